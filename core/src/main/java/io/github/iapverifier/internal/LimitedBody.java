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
  private final Handler handler;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  private LimitedBody(int limit, long declaredLength, Handler handler) {
    this.limit = limit;
    this.declaredLength = declaredLength;
    this.handler = handler;
  }

  /**
   * A body handler whose bodies are at most {@code limit} bytes. Use one per request to ask it
   * afterwards whether the limit was the reason a request failed.
   *
   * @param limit the maximum body size in bytes, positive
   * @return the handler, thread-safe
   */
  public static Handler handler(int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    return new Handler(limit);
  }

  /** Creates {@link LimitedBody} subscribers and remembers whether one of them hit the limit. */
  public static final class Handler implements HttpResponse.BodyHandler<byte[]> {
    private final int limit;
    private volatile boolean exceeded;

    private Handler(int limit) {
      this.limit = limit;
    }

    @Override
    public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
      return new LimitedBody(
          limit, info.headers().firstValueAsLong("Content-Length").orElse(-1), this);
    }

    /**
     * Tells whether a body was refused for its size. Over HTTP/2 the client may report the
     * refusal as its own "stream cancelled" error instead of ours; this tells them apart.
     *
     * @return true once a body exceeded the limit
     */
    public boolean exceeded() {
      return exceeded;
    }

    /**
     * The error that says so.
     *
     * @return a new exception naming the limit
     */
    public IOException tooLarge() {
      return new IOException("response body exceeds the limit of " + limit + " bytes");
    }
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
    handler.exceeded = true;
    result.completeExceptionally(handler.tooLarge());
    subscription.cancel();
  }
}
