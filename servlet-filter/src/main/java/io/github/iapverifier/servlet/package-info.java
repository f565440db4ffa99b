/**
 * A {@code jakarta.servlet} filter that admits only requests signed by an identity-aware proxy
 * (Google Cloud IAP, Cloudflare Access, an AWS ALB, Pomerium): {@link
 * io.github.iapverifier.servlet.IapFilter}, the {@link io.github.iapverifier.servlet.IapPrincipal}
 * it exposes, and {@link io.github.iapverifier.servlet.IapServletPipeline}, the shared request
 * pipeline on the servlet API that other servlet-side adapters (the Spring Boot starter's) run too.
 * Nothing in this package returns null unless its documentation says so.
 */
package io.github.iapverifier.servlet;
