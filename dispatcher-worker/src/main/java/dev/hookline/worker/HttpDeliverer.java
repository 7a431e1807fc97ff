package dev.hookline.worker;

import dev.hookline.schemas.Event;
import dev.hookline.store.SigningSecrets;
import dev.hookline.store.Webhook;
import dev.hookline.worker.ssrf.AddressPolicy;
import dev.hookline.worker.ssrf.BlockedAddressException;
import dev.hookline.worker.ssrf.SsrfGuard;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Posts signed webhook requests ({@link SignedRequest}) with one pooled, blocking Apache HttpClient
 * meant to be called from many virtual threads at once, and reads the answer ({@link
 * ResponseReader}). Never throws for anything the receiver does: every attempt ends in an {@link
 * AttemptOutcome}.
 */
final class HttpDeliverer implements Deliverer {
  static final int DEFAULT_TIMEOUT_SECONDS = 15;
  static final int MAX_TIMEOUT_SECONDS = 30;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final String SSRF_BLOCKED = "ssrf_blocked";

  /**
   * The most of a response head a receiver can make us hold: lines of 8 KB (status, each header,
   * each chunk size), 100 header fields. A receiver streaming a header line or header fields that
   * never end is cut there and its attempt recorded as {@value #HEAD_TOO_LARGE}, instead of being
   * buffered until the deadline. (HttpCore 5.4 has the same defaults; they are ours to keep.)
   */
  static final int MAX_HEADER_LINE_BYTES = 8 * 1024;

  static final int MAX_HEADER_FIELDS = 100;
  static final String HEAD_TOO_LARGE = "response_head_too_large";

  private final CloseableHttpClient client;
  private final ScheduledExecutorService deadlines;
  private final String userAgent;
  private final Clock clock;

  /**
   * @param policy which addresses may be connected to: a URL whose host resolves to a refused
   *     address fails at connect time, before any byte is sent
   */
  HttpDeliverer(int maxConnections, String userAgent, Clock clock, AddressPolicy policy) {
    this.userAgent = userAgent;
    this.clock = clock;
    ConnectionConfig connections =
        ConnectionConfig.custom()
            .setConnectTimeout(Timeout.of(CONNECT_TIMEOUT))
            .setSocketTimeout(Timeout.ofSeconds(MAX_TIMEOUT_SECONDS))
            .setTimeToLive(TimeValue.ofMinutes(5))
            .build();
    this.client =
        HttpClients.custom()
            .setConnectionManager(
                // guarded twice: at DNS resolution and again at socket connect (no proxy: a proxy
                // would only get its own address checked)
                SsrfGuard.connectionManagerBuilder(policy)
                    .setMaxConnTotal(maxConnections)
                    // the per-webhook cap (TaskRunner) keeps one receiver from taking them all
                    .setMaxConnPerRoute(maxConnections)
                    .setDefaultConnectionConfig(connections)
                    .setConnectionFactory(
                        ManagedHttpClientConnectionFactory.builder()
                            .http1Config(
                                Http1Config.custom()
                                    .setMaxLineLength(MAX_HEADER_LINE_BYTES)
                                    .setMaxHeaderCount(MAX_HEADER_FIELDS)
                                    .build())
                            .build())
                    .build())
            .disableRedirectHandling() // a 3xx is an answer, not an invitation to post elsewhere
            .disableAutomaticRetries() // retries are ours, on our schedule, and recorded
            .disableContentCompression()
            .disableCookieManagement()
            .disableAuthCaching()
            .evictIdleConnections(TimeValue.ofMinutes(1))
            .build();
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "hookline-delivery-deadlines");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    this.deadlines = timer;
  }

  /** The effective timeout of a webhook: its own, 15 s when unset, at most 30 s. */
  static Duration timeoutOf(Webhook webhook) {
    int seconds =
        webhook.timeoutSeconds() <= 0 ? DEFAULT_TIMEOUT_SECONDS : webhook.timeoutSeconds();
    return Duration.ofSeconds(Math.min(seconds, MAX_TIMEOUT_SECONDS));
  }

  /** Sends one event to one webhook, signed with the webhook's active secrets. */
  @Override
  public AttemptOutcome deliver(
      Webhook webhook, SigningSecrets secrets, Event event, String webhookId) {
    Instant startedAt = clock.instant();
    long start = System.nanoTime();
    Duration timeout = timeoutOf(webhook);
    HttpPost post;
    try {
      post = SignedRequest.post(webhook, secrets, event, webhookId, userAgent, startedAt);
      post.setConfig(
          RequestConfig.custom()
              .setResponseTimeout(Timeout.of(timeout))
              .setConnectionRequestTimeout(Timeout.of(timeout))
              .build());
    } catch (RuntimeException e) {
      // bad URL, bad secret, unsupported header value: the same webhook will fail the same way, but
      // the admin may fix it; retrying keeps the delivery alive until then
      return new AttemptOutcome.Retry(
          startedAt, elapsedMs(start), null, null, "invalid_request", ResponseReader.message(e));
    }
    return execute(post, timeout, startedAt, start);
  }

  private AttemptOutcome execute(HttpPost post, Duration timeout, Instant startedAt, long start) {
    // The socket timeout only bounds each read; a receiver dripping one byte a second would hold us
    // forever. The deadline cancels the whole exchange, which closes the connection at once.
    AtomicBoolean deadlinePassed = new AtomicBoolean();
    ScheduledFuture<?> deadline =
        deadlines.schedule(
            () -> {
              deadlinePassed.set(true);
              post.cancel();
            },
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    ClassicHttpResponse response = null;
    try {
      response = client.executeOpen(null, post, null);
      int status = response.getCode();
      String excerpt = ResponseReader.excerpt(response.getEntity(), post);
      int durationMs = elapsedMs(start);
      if (status >= 200 && status < 300) {
        return new AttemptOutcome.Delivered(startedAt, durationMs, status, excerpt);
      }
      if (status == 410) {
        return new AttemptOutcome.Failed(
            startedAt,
            durationMs,
            status,
            excerpt,
            "gone",
            "410 Gone: the receiver asked to stop",
            true);
      }
      Duration retryAfter =
          status == 429 || status == 503 ? ResponseReader.retryAfter(response, startedAt) : null;
      return new AttemptOutcome.Retry(
          startedAt, durationMs, status, excerpt, "http_status", "HTTP " + status, retryAfter);
    } catch (IOException | RuntimeException e) {
      Optional<BlockedAddressException> blocked = SsrfGuard.findBlocked(e);
      if (blocked.isPresent()) {
        // Refused for good, like Svix: the URL points where webhooks may not go, and the next
        // attempt would be refused the same way (a DNS change is the rare exception; the admin can
        // fix the URL or allow-list the network, then redeliver).
        return new AttemptOutcome.Failed(
            startedAt,
            elapsedMs(start),
            null,
            null,
            SSRF_BLOCKED,
            blocked.get().getMessage(),
            false);
      }
      if (deadlinePassed.get()) {
        return new AttemptOutcome.Retry(
            startedAt,
            elapsedMs(start),
            null,
            null,
            "timeout",
            "no complete response within " + timeout.toSeconds() + " s");
      }
      if (e instanceof MessageConstraintException) {
        return new AttemptOutcome.Retry(
            startedAt,
            elapsedMs(start),
            null,
            null,
            HEAD_TOO_LARGE,
            "the response head is over the limits ("
                + MAX_HEADER_LINE_BYTES
                + " bytes a line, "
                + MAX_HEADER_FIELDS
                + " header fields): "
                + ResponseReader.message(e));
      }
      return new AttemptOutcome.Retry(
          startedAt,
          elapsedMs(start),
          null,
          null,
          ResponseReader.errorClass(e),
          ResponseReader.message(e));
    } finally {
      deadline.cancel(false);
      ResponseReader.closeQuietly(response);
    }
  }

  private static int elapsedMs(long startNanos) {
    return (int)
        Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  @Override
  public void close() {
    deadlines.shutdownNow();
    try {
      client.close();
    } catch (IOException e) {
      // closing sockets; nothing left to save
    }
  }
}
