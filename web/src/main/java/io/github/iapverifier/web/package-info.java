/**
 * The request pipeline all of iap-verifier's adapters share, free of any HTTP stack: {@link
 * io.github.iapverifier.web.IapRequestPipeline} decides what to do with a request seen through
 * {@link io.github.iapverifier.web.IapHttpRequest} ({@link io.github.iapverifier.web.IapDecision}),
 * {@link io.github.iapverifier.web.IapProblem} is the response to a rejection, and {@link
 * io.github.iapverifier.web.IapLegacyHeaders} the values of IAP's unsigned headers. Nothing in this
 * package returns null unless its documentation says so.
 */
package io.github.iapverifier.web;
