package io.github.iapverifier.spring.slice;

import static io.github.iapverifier.test.IapRequestPostProcessor.iap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.AutoConfigureFakeIap;
import io.github.iapverifier.test.FakeIap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

/**
 * {@code @WebMvcTest} with {@code @AutoConfigureFakeIap} and the app's own chain applying {@code
 * IapConfigurer} (finding 9 of issue 12: the slice lacked the starter's auto-configurations, and
 * the chain failed with "IapConfigurer needs an IapVerifier"). The slice annotation has another
 * package on each Boot line, so each line has its subclass in {@code src/test-boot4} and {@code
 * src/test-boot35}.
 */
@AutoConfigureFakeIap
public abstract class WebMvcSliceCases {

  @Autowired MockMvc mvc;
  @Autowired FakeIap fakeIap;
  @Autowired IapVerifier verifier;

  @Test
  void helloWhenSignedInThenGreetsThroughTheAppChain() throws Exception {
    mvc.perform(get("/hello").with(iap().email("ana@example.com")))
        .andExpect(status().isOk())
        .andExpect(content().string("Hello ana@example.com"));
  }

  @Test
  void helloWhenNoAssertionThen401Missing() throws Exception {
    mvc.perform(get("/hello"))
        .andExpect(status().isUnauthorized())
        .andExpect(jsonPath("$.reason").value("MISSING"));
  }

  @Test
  void sliceWhenFakeIapThenStarterVerifierTrustsIt() {
    assertThat(verifier.audiences()).containsExactly(fakeIap.audience());
  }
}
