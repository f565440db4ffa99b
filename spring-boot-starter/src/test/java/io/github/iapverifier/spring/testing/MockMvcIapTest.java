package io.github.iapverifier.spring.testing;

import static io.github.iapverifier.test.IapRequestPostProcessor.iap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.springframework.test.web.servlet.setup.MockMvcBuilders.webAppContextSetup;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.test.AutoConfigureFakeIap;
import io.github.iapverifier.test.FakeIap;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockServletContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.context.WebApplicationContext;

/** MockMvc with real signed assertions from the context's fake IAP ({@code iap()}). */
// tag::mockmvc[]
@SpringBootTest(properties = "iap.authorities.ROLE_ADMIN=alice@example.com")
@AutoConfigureFakeIap // starts a fake IAP and points iap.jwks-uri and iap.audiences at it
class MockMvcIapTest {

  @Autowired WebApplicationContext context;
  MockMvc mvc;

  @BeforeEach
  void mockMvc() {
    mvc = webAppContextSetup(context).apply(springSecurity()).build();
  }

  @Test
  void helloWhenSignedInThenGreets() throws Exception {
    mvc.perform(get("/hello").with(iap().email("ana@example.com")))
        .andExpect(status().isOk())
        .andExpect(content().string("Hello ana@example.com"));
  }

  @Test
  void reportWhenNotAdminThenForbidden() throws Exception {
    mvc.perform(get("/report").with(iap().email("bob@example.com")))
        .andExpect(status().isForbidden());
  }

  @Test
  void helloWhenNoAssertionThenUnauthorized() throws Exception {
    mvc.perform(get("/hello"))
        .andExpect(status().isUnauthorized())
        .andExpect(jsonPath("$.reason").value("MISSING"));
  }

  // end::mockmvc[]

  @Autowired FakeIap fakeIap;
  @Autowired IapVerifier verifier;

  @Value("${iap.jwks-uri}")
  String jwksUri;

  @Test
  void contextWhenAnnotatedThenAppTrustsTheFakeBean() {
    assertThat(jwksUri).isEqualTo(fakeIap.jwksUri().toString());
    assertThat(verifier.audiences()).containsExactly(fakeIap.audience());
  }

  @Test
  void reportWhenStaticGrantThenAdminOverRealVerification() throws Exception {
    mvc.perform(get("/report").with(iap().email("alice@example.com")))
        .andExpect(status().isOk())
        .andExpect(content().string("report for alice@example.com"));
  }

  @Test
  void helloWhenTokenCustomizedToExpiredThenUnauthorizedExpired() throws Exception {
    Instant longAgo = Instant.now().minus(Duration.ofHours(1));
    mvc.perform(get("/hello").with(iap().token(t -> t.issuedAt(longAgo))))
        .andExpect(status().isUnauthorized())
        .andExpect(jsonPath("$.reason").value("EXPIRED"));
  }

  @Test
  void helloWhenForeignFakeThenBadSignatureOrUnknownKey() throws Exception {
    try (FakeIap other = FakeIap.builder().audience(fakeIap.audience()).start()) {
      mvc.perform(get("/hello").with(iap(other)))
          .andExpect(status().isUnauthorized())
          .andExpect(jsonPath("$.reason").value("UNKNOWN_KEY"));
    }
  }

  @Test
  void helloWhenExplicitFakeThenUsesIt() throws Exception {
    mvc.perform(
            get("/hello").with(iap(fakeIap).email("eve@example.com").hostedDomain("example.com")))
        .andExpect(content().string("Hello eve@example.com"));
  }

  @Test
  void iapWhenNoFakeInContextThenSaysWhatToDo() {
    MockHttpServletRequest request = new MockHttpServletRequest(new MockServletContext());

    assertThatThrownBy(() -> iap().postProcessRequest(request))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("@AutoConfigureFakeIap");
  }
}
