package io.github.iapverifier.spring.slice.reactive;

import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;

/** The reactive slice on Spring Boot 4.x. */
@WebFluxTest(ReactiveSliceApplication.HelloController.class)
class WebFluxSliceTest extends WebFluxSliceCases {}
