package dev.hookline.worker;

import dev.hookline.schemas.Event;
import dev.hookline.store.SigningSecrets;
import dev.hookline.store.Webhook;
import dev.hookline.worker.ssrf.AddressPolicy;
import dev.hookline.worker.ssrf.BlockedAddressException;
import dev.hookline.worker.ssrf.SsrfGuard;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Posts signed webhook requests with one pooled, blocking Apache HttpClient meant to be called from
 * many virtual threads at once. Never throws for anything the receiver does: every attempt ends in
 * an {@link AttemptOutcome}.
 */
final class HttpDeliverer implements Deliverer, AutoCloseable {
  static final int EXCERPT_LIMIT_BYTES = 20 * 1024;
  static final int DEFAULT_TIMEOUT_SECONDS = 15;
  static final int MAX_TIMEOUT_SECONDS = 30;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final int ERROR_MESSAGE_LIMIT = 1000;
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

  /** Headers a webhook's custom headers may not set: ours, or ones that would break the framing. */
  private static final Set<String> RESERVED_HEADERS =
      Set.of(
          "content-type",
          "content-length",
          "transfer-encoding",
          "host",
          "connection",
          "webhook-id",
          "webhook-timestamp",
          "webhook-signature",
          "user-agent",
          "expect",
          "upgrade");

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
                    // the per-webhook cap (BatchProcessor) keeps one receiver from taking them all
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
  public AttemptOutcome deliver(Webhook webhook, SigningSecrets secrets, Event event) {
    Instant startedAt = clock.instant();
    long start = System.nanoTime();
    Duration timeout = timeoutOf(webhook);
    HttpPost post;
    try {
      byte[] body = PayloadWriter.body(event);
      long timestamp = startedAt.getEpochSecond();
      post = new HttpPost(URI.create(webhook.url()));
      webhook
          .headers()
          .forEach(
              (name, value) -> {
                if (name != null
                    && value != null
                    && !RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                  post.addHeader(name, value);
                }
              });
      post.setHeader("user-agent", userAgent);
      post.setHeader("webhook-id", event.id());
      post.setHeader("webhook-timestamp", Long.toString(timestamp));
      post.setHeader(
          "webhook-signature",
          Signer.signatureHeader(secrets.activeAt(startedAt), event.id(), timestamp, body));
      post.setEntity(new ByteArrayEntity(body, ContentType.create("application/json")));
      post.setConfig(
          RequestConfig.custom()
              .setResponseTimeout(Timeout.of(timeout))
              .setConnectionRequestTimeout(Timeout.of(timeout))
              .build());
    } catch (RuntimeException e) {
      // bad URL, bad secret, unsupported header value: the same webhook will fail the same way, but
      // the admin may fix it; retrying keeps the delivery alive until then
      return new AttemptOutcome.Retry(
          startedAt, elapsedMs(start), null, null, "invalid_request", message(e));
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
      String excerpt = readExcerpt(response.getEntity(), post);
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
      Duration retryAfter = status == 429 || status == 503 ? retryAfter(response, startedAt) : null;
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
                + message(e));
      }
      return new AttemptOutcome.Retry(
          startedAt, elapsedMs(start), null, null, errorClass(e), message(e));
    } finally {
      deadline.cancel(false);
      closeQuietly(response);
    }
  }

  /**
   * The {@code Retry-After} of a 429 or 503: delay-seconds or an HTTP date; null when absent or
   * unreadable. A date in the past means now.
   */
  private Duration retryAfter(ClassicHttpResponse response, Instant now) {
    Header header = response.getFirstHeader("Retry-After");
    return header == null ? null : parseRetryAfter(header.getValue(), now);
  }

  static Duration parseRetryAfter(String value, Instant now) {
    if (value == null || value.isBlank()) return null;
    String v = value.trim();
    try {
      if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
        // any number of digits: more than fit in a long is a very long wait, capped like any
        return v.length() > 12 ? MAX_RETRY_AFTER : capped(Duration.ofSeconds(Long.parseLong(v)));
      }
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return at.isAfter(now) ? capped(Duration.between(now, at)) : Duration.ZERO;
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      return null; // a garbled date: ignore it, keep our own schedule
    }
  }

  /**
   * The longest {@code Retry-After} taken as it is (docs/design.md, Departures); the retry schedule
   * caps it again at twice its own step. Without a cap, {@code Retry-After: 99999999999999999}
   * overflowed the next attempt's time: the attempt was never recorded and the same request went
   * out again each time the task's lock ran out.
   */
  static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

  private static Duration capped(Duration asked) {
    return asked.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : asked;
  }

  /** A failure while closing must not turn a received answer into a retry. */
  private static void closeQuietly(ClassicHttpResponse response) {
    if (response == null) return;
    try {
      response.close();
    } catch (IOException | RuntimeException e) {
      // the connection is discarded either way
    }
  }

  /**
   * Reads at most {@link #EXCERPT_LIMIT_BYTES}. When the body is longer the connection is aborted
   * instead of drained: closing a length-delimited stream would read it to the end.
   */
  private static String readExcerpt(HttpEntity entity, HttpPost post) {
    if (entity == null) return null;
    // most receivers answer a few bytes: start from what they announce, grow up to the limit
    long announced = entity.getContentLength();
    byte[] buffer =
        new byte[(int) Math.min(EXCERPT_LIMIT_BYTES, announced >= 0 ? announced : 1024)];
    int read = 0;
    try (InputStream in = entity.getContent()) {
      if (in == null) return null;
      while (true) {
        if (read == buffer.length) {
          if (read == EXCERPT_LIMIT_BYTES) break;
          buffer = Arrays.copyOf(buffer, Math.min(EXCERPT_LIMIT_BYTES, Math.max(1024, read * 2)));
        }
        int n = in.read(buffer, read, buffer.length - read);
        if (n < 0) break;
        read += n;
      }
      if (read == EXCERPT_LIMIT_BYTES && in.read() >= 0) {
        post.cancel(); // drops the connection, so the close below has nothing left to drain
      }
    } catch (IOException e) {
      // The status line already arrived and decides the outcome; a body cut short by our abort,
      // our deadline or the receiver only shortens the excerpt.
    }
    return read == 0 ? "" : new String(buffer, 0, read, StandardCharsets.UTF_8);
  }

  static String errorClass(Throwable e) {
    if (e instanceof ConnectTimeoutException) return "connect_timeout";
    if (e instanceof SocketTimeoutException) return "timeout";
    if (e instanceof HttpHostConnectException
        || e instanceof ConnectException
        || e instanceof NoRouteToHostException) return "connect";
    if (e instanceof UnknownHostException) return "dns";
    if (e instanceof SSLException) return "tls";
    if (e instanceof InterruptedIOException) return "interrupted";
    if (e instanceof IOException) return "io";
    return "client";
  }

  private static String message(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.length() > ERROR_MESSAGE_LIMIT ? m.substring(0, ERROR_MESSAGE_LIMIT) : m;
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
