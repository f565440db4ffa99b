/**
 * A {@code jakarta.servlet} filter that admits only requests signed by Google Cloud Identity-Aware
 * Proxy: {@link io.github.iapverifier.servlet.IapFilter}, the {@link
 * io.github.iapverifier.servlet.IapPrincipal} it exposes, and the {@link
 * io.github.iapverifier.servlet.IapProblemResponse} it answers rejections with. Nothing in this
 * package returns null unless its documentation says so.
 */
package io.github.iapverifier.servlet;
