package io.github.iapverifier.spring.slice;

import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.context.annotation.Import;

/** The slice on Spring Boot 3.5. */
@WebMvcTest(SliceApplication.HelloController.class)
@Import(SliceApplication.AppSecurity.class)
class WebMvcSliceTest extends WebMvcSliceCases {}
