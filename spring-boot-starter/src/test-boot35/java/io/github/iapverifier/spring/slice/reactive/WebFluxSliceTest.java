package io.github.iapverifier.spring.slice.reactive;

import org.springframework.boot.test.autoconfigure.web.reactive.WebFluxTest;

/** The reactive slice on Spring Boot 3.5. */
@WebFluxTest(ReactiveSliceApplication.HelloController.class)
class WebFluxSliceTest extends WebFluxSliceCases {}
