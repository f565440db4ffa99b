package io.github.iapverifier.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body, failing as soon as it grows past a limit, so that a hostile or broken
 * server cannot make the client buffer without bound. A body whose {@code Content-Length} already
 * exceeds the limit is refused before a byte of it is read.
 *
 * <p>It bounds size only, not time: callers bound the whole exchange with a deadline and cancel
 * it when the deadline passes.
 */
public final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

  private final int limit;
  private final long declaredLength;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  private LimitedBody(int limit, long declaredLength) {
    this.limit = limit;
    this.declaredLength = declaredLength;
  }

  /**
   * A body handler whose bodies are at most {@code limit} bytes.
   *
   * @param limit the maximum body size in bytes, positive
   * @return the handler, thread-safe
   */
  public static HttpResponse.BodyHandler<byte[]> handler(int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    return info ->
        new LimitedBody(limit, info.headers().firstValueAsLong("Content-Length").orElse(-1));
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    if (declaredLength > limit) {
      refuse();
      return;
    }
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : items) {
      if (out.size() + (long) b.remaining() > limit) {
        refuse();
        return;
      }
      byte[] chunk = new byte[b.remaining()];
      b.get(chunk);
      out.write(chunk, 0, chunk.length);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    result.complete(out.toByteArray());
  }

  private void refuse() {
    // Fail first, cancel second: over HTTP/2 the cancellation fails the exchange with its own
    // "stream cancelled" error, and whichever completes first is what the caller reports.
    result.completeExceptionally(
        new IOException("response body exceeds the limit of " + limit + " bytes"));
    subscription.cancel();
  }
}
