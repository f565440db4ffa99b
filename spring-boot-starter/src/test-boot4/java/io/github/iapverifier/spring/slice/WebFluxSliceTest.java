package io.github.iapverifier.spring.slice;

import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;

/** The reactive slice on Spring Boot 4.x. */
@WebFluxTest(WebFluxSliceCases.HelloController.class)
class WebFluxSliceTest extends WebFluxSliceCases {}
