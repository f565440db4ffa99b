package io.github.iapverifier.spring.slice;

import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;

/** The slice on Spring Boot 4.x. */
@WebMvcTest(SliceApplication.HelloController.class)
@Import(SliceApplication.AppSecurity.class)
class WebMvcSliceTest extends WebMvcSliceCases {}
