package dev.hookline.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

/**
 * What an attempt keeps of the receiver's answer, or of its failure: the start of the body, the
 * {@code Retry-After} of a 429 or 503, a short error class and message.
 */
final class ResponseReader {
  static final int EXCERPT_LIMIT_BYTES = 20 * 1024;
  private static final int ERROR_MESSAGE_LIMIT = 1000;

  private ResponseReader() {}

  /**
   * The {@code Retry-After} of a 429 or 503: delay-seconds or an HTTP date; null when absent or
   * unreadable. A date in the past means now.
   */
  static Duration retryAfter(ClassicHttpResponse response, Instant now) {
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
  static void closeQuietly(ClassicHttpResponse response) {
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
  static String excerpt(HttpEntity entity, HttpPost post) {
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

  /** A short class of a failed exchange: {@code timeout}, {@code connect}, {@code dns}... */
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

  /** The exception's message, at most 1,000 characters. */
  static String message(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.length() > ERROR_MESSAGE_LIMIT ? m.substring(0, ERROR_MESSAGE_LIMIT) : m;
  }
}
