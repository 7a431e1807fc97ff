package dev.hookline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Json;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * The load generator of the ingest scenario: {@code connections} virtual threads, each on its own
 * keep-alive connection (the raw client's Apache HttpClient 5 settings), POST the same body to the
 * admin API until {@code requests} were sent or {@code maxNanos} passed. A batch answer counts the
 * events it says it accepted; a single one counts 1 for a 202.
 */
final class IngestPoster {
  /**
   * @param events events the API accepted
   * @param failedRequests requests answered other than 202 (single) or 200 (batch), or not at all
   */
  record Result(
      long requests, long events, long failedRequests, long elapsedNanos, String firstError) {
    double eventsPerSecond() {
      return elapsedNanos == 0 ? 0 : events * 1e9 / elapsedNanos;
    }
  }

  private IngestPoster() {}

  static Result post(
      URI target,
      String token,
      byte[] body,
      boolean batch,
      long requests,
      int connections,
      long maxNanos)
      throws InterruptedException {
    AtomicLong next = new AtomicLong();
    AtomicLong events = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    long start = System.nanoTime();
    long deadline = start + maxNanos;
    try (CloseableHttpClient client = RawPoster.client(connections)) {
      List<Thread> threads = new ArrayList<>(connections);
      for (int t = 0; t < connections; t++) {
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      while (next.getAndIncrement() < requests && System.nanoTime() < deadline) {
                        String error = postOne(client, target, token, body, batch, events);
                        if (error != null) {
                          failed.incrementAndGet();
                          firstError.compareAndSet(null, error);
                        }
                      }
                    }));
      }
      for (Thread thread : threads) thread.join();
    } catch (IOException e) {
      throw new IllegalStateException("closing the ingest client: " + e, e);
    }
    long sent = Math.min(next.get(), requests);
    return new Result(
        sent, events.get(), failed.get(), System.nanoTime() - start, firstError.get());
  }

  /** Null when the request was answered as expected, else what went wrong. */
  private static String postOne(
      CloseableHttpClient client,
      URI target,
      String token,
      byte[] body,
      boolean batch,
      AtomicLong events) {
    HttpPost post = new HttpPost(target);
    post.setHeader("authorization", "Bearer " + token);
    post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
    try (ClassicHttpResponse response = client.executeOpen(null, post, null)) {
      byte[] answer = EntityUtils.toByteArray(response.getEntity());
      int code = response.getCode();
      if (batch && code == 200) {
        JsonNode accepted = Json.MAPPER.readTree(answer).path("accepted");
        events.addAndGet(accepted.asLong());
        return accepted.asLong() > 0 ? null : "a batch with nothing accepted";
      }
      if (!batch && code == 202) {
        events.incrementAndGet();
        return null;
      }
      return code + " " + new String(answer, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return e.toString();
    }
  }
}
