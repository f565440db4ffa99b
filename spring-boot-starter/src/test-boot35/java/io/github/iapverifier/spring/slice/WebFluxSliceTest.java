package io.github.iapverifier.spring.slice;

import org.springframework.boot.test.autoconfigure.web.reactive.WebFluxTest;

/** The reactive slice on Spring Boot 3.5. */
@WebFluxTest(WebFluxSliceCases.HelloController.class)
class WebFluxSliceTest extends WebFluxSliceCases {}
