package dev.hookline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The raw ceiling: what the dispatcher's HTTP side alone achieves. The same Apache HttpClient 5
 * classic settings as the worker's {@code HttpDeliverer} (pool of {@code concurrency} connections,
 * all on one route, 5 s connect, 30 s socket, a per-request deadline timer, no redirects, no
 * retries), the same number of virtual threads in flight, the same body ({@code
 * {"type","timestamp","data"}}, built per request) and Standard Webhooks headers (HMAC signed per
 * request) to the same receiver; no Kafka and no PostgreSQL.
 */
final class RawPoster {
  /**
   * @param elapsedNanos from the first request to the last answer
   */
  record Result(long requests, long failures, long elapsedNanos) {
    double perSecond() {
      return elapsedNanos == 0 ? 0 : requests * 1e9 / elapsedNanos;
    }
  }

  private RawPoster() {}

  static Result post(URI target, String type, JsonNode data, long requests, int concurrency)
      throws InterruptedException {
    byte[] key = new byte[24];
    new SecureRandom().nextBytes(key);
    ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1);
    deadlines.setRemoveOnCancelPolicy(true);
    AtomicLong next = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long start;
    try (CloseableHttpClient client = client(concurrency)) {
      start = System.nanoTime();
      List<Thread> threads = new ArrayList<>(concurrency);
      for (int t = 0; t < concurrency; t++) {
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      Mac mac = mac(key);
                      long i;
                      while ((i = next.getAndIncrement()) < requests) {
                        if (!postOne(client, deadlines, mac, target, type, data, i))
                          failures.incrementAndGet();
                      }
                    }));
      }
      for (Thread thread : threads) thread.join();
    } catch (IOException e) {
      throw new IllegalStateException("closing the raw client: " + e, e);
    } finally {
      deadlines.shutdownNow();
    }
    return new Result(requests, failures.get(), System.nanoTime() - start);
  }

  private static boolean postOne(
      CloseableHttpClient client,
      ScheduledThreadPoolExecutor deadlines,
      Mac mac,
      URI target,
      String type,
      JsonNode data,
      long i) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("type", type);
    body.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(now));
    body.set("data", data);
    byte[] bytes = Json.toBytes(body);
    String id = "evt_raw_" + i;
    long timestamp = now.getEpochSecond();
    mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
    String signature = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(bytes));
    HttpPost post = new HttpPost(target);
    post.setHeader("user-agent", "Hookline/bench-raw");
    post.setHeader("webhook-id", id);
    post.setHeader("webhook-timestamp", Long.toString(timestamp));
    post.setHeader("webhook-signature", signature);
    post.setEntity(new ByteArrayEntity(bytes, ContentType.create("application/json")));
    post.setConfig(
        RequestConfig.custom()
            .setResponseTimeout(Timeout.ofSeconds(15))
            .setConnectionRequestTimeout(Timeout.ofSeconds(15))
            .build());
    ScheduledFuture<?> deadline = deadlines.schedule(post::cancel, 15, TimeUnit.SECONDS);
    try (ClassicHttpResponse response = client.executeOpen(null, post, null)) {
      EntityUtils.consume(response.getEntity());
      return response.getCode() >= 200 && response.getCode() < 300;
    } catch (IOException | RuntimeException e) {
      return false;
    } finally {
      deadline.cancel(false);
    }
  }

  /** The worker's client settings; also the ingest scenario's load generator. */
  static CloseableHttpClient client(int connections) {
    ConnectionConfig config =
        ConnectionConfig.custom()
            .setConnectTimeout(Timeout.ofSeconds(5))
            .setSocketTimeout(Timeout.ofSeconds(30))
            .setTimeToLive(TimeValue.ofMinutes(5))
            .build();
    return HttpClients.custom()
        .setConnectionManager(
            PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(connections)
                .setMaxConnPerRoute(connections)
                .setDefaultConnectionConfig(config)
                .build())
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableContentCompression()
        .disableCookieManagement()
        .disableAuthCaching()
        .evictIdleConnections(TimeValue.ofMinutes(1))
        .build();
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
