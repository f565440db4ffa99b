package io.github.iapverifier.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class LimitedBodyTest {

  /** Records what the subscriber asks of its publisher. */
  private static final class Subscription implements Flow.Subscription {
    long requested;
    boolean cancelled;

    @Override
    public void request(long n) {
      requested += n;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  private static HttpResponse.BodySubscriber<byte[]> subscriber(int limit, Long contentLength) {
    return LimitedBody.handler(limit).apply(info(contentLength));
  }

  private static HttpResponse.ResponseInfo info(Long contentLength) {
    Map<String, List<String>> headers =
        contentLength == null ? Map.of() : Map.of("Content-Length", List.of(contentLength.toString()));
    return new HttpResponse.ResponseInfo() {
      @Override
      public int statusCode() {
        return 200;
      }

      @Override
      public HttpHeaders headers() {
        return HttpHeaders.of(headers, (a, b) -> true);
      }

      @Override
      public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
      }
    };
  }

  private static List<ByteBuffer> bytes(int n) {
    return List.of(ByteBuffer.wrap(new byte[n]));
  }

  @Test
  void bodyWhenWithinLimitThenCollected() throws Exception {
    var body = subscriber(10, null);
    Subscription s = new Subscription();
    body.onSubscribe(s);
    body.onNext(bytes(4));
    body.onNext(List.of(ByteBuffer.wrap("abcdef".getBytes())));
    body.onComplete();

    assertThat(body.getBody().toCompletableFuture().get()).hasSize(10).endsWith("abcdef".getBytes());
    assertThat(s.cancelled).isFalse();
  }

  @Test
  void bodyWhenGrowsPastLimitThenFailsAndCancels() {
    var body = subscriber(10, null);
    Subscription s = new Subscription();
    body.onSubscribe(s);
    body.onNext(bytes(6));
    body.onNext(bytes(5));

    CompletableFuture<byte[]> result = body.getBody().toCompletableFuture();
    assertThat(result).failsWithin(java.time.Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(IOException.class)
        .withMessageContaining("exceeds the limit of 10 bytes");
    assertThat(s.cancelled).isTrue();
    body.onNext(bytes(1)); // late data after cancelling is ignored
    body.onComplete();
    assertThat(result).isCompletedExceptionally();
  }

  @Test
  void bodyWhenDeclaredLengthAboveLimitThenRefusedBeforeReading() {
    var body = subscriber(10, 11L);
    Subscription s = new Subscription();
    body.onSubscribe(s);

    assertThat(s.requested).isZero();
    assertThat(s.cancelled).isTrue();
    assertThat(body.getBody().toCompletableFuture()).isCompletedExceptionally();
  }

  @Test
  void bodyWhenDeclaredLengthAtLimitThenRead() throws Exception {
    var body = subscriber(10, 10L);
    Subscription s = new Subscription();
    body.onSubscribe(s);
    body.onNext(bytes(10));
    body.onComplete();

    assertThat(body.getBody().toCompletableFuture().get()).hasSize(10);
  }

  @Test
  void handlerWhenABodyWasRefusedThenRemembersIt() {
    LimitedBody.Handler handler = LimitedBody.handler(10);
    var within = handler.apply(info(null));
    within.onSubscribe(new Subscription());
    within.onNext(bytes(10));
    assertThat(handler.exceeded()).isFalse();

    var over = handler.apply(info(null));
    over.onSubscribe(new Subscription());
    over.onNext(bytes(11));
    assertThat(handler.exceeded()).isTrue();
    assertThat(handler.tooLarge()).hasMessage("response body exceeds the limit of 10 bytes");
  }

  @Test
  void handlerWhenLimitNotPositiveThenIllegalArgument() {
    assertThatIllegalArgumentException().isThrownBy(() -> LimitedBody.handler(0));
  }
}
