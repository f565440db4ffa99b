package io.github.iapverifier.samples.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test (class or method) that drives a real {@link Browser}: it runs when Chromium and
 * chromedriver are installed, and is reported as skipped, with the one-line install hint, when they
 * are not, so that {@code ./mvnw verify} passes on a machine with only a JDK (the convention of
 * Testcontainers' {@code disabledWithoutDocker}). Where skipping would hide a regression, as on CI,
 * {@value BrowserCondition#REQUIRED} turns a missing browser into a failure; see {@link
 * BrowserCondition}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(BrowserCondition.class)
public @interface RequiresBrowser {}
