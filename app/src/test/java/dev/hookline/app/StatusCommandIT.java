package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.store.Database;
import dev.hookline.store.TestWebhooks;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hookline status} against a real {@code hookline up} (its own embedded broker and database,
 * so every number is this test's), found through the data dir with no other setting.
 */
class StatusCommandIT {
  private static final int EVENTS = 10;
  private static final int INVALID = 3;

  record Result(int code, String out) {}

  @Test
  void showsWhatUpIsDoingAndWhatCannotBeReached(@TempDir Path dataDir) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("HOOKLINE_DATA_DIR", dataDir.toString());
    env.put("HOOKLINE_HTTP_PORT", "0");
    env.put("HOOKLINE_EMBEDDED_KAFKA_PORT", "0");
    env.put("HOOKLINE_EMBEDDED_DB_PORT", "0");
    AllInOne.Started up =
        AllInOne.start(
            HooklineConfig.fromEnv(env), new PrintStream(OutputStream.nullOutputStream()));
    try (Receiver ok = new Receiver();
        Receiver broken = new Receiver();
        Receiver probe = new Receiver()) {
      broken.answer(500);
      Database db = up.running().add(Roles.database(up.config()));
      create(db, "ok", ok, "payment_received", true, null);
      UUID brokenId = create(db, "broken", broken, "payment_received", true, List.of(3600));
      create(db, "paused", ok, "payment_received", false, null);
      UUID gone = create(db, "gone", ok, "payment_received", true, null);
      assertThat(db.webhookHealth().disable(gone, "test")).isPresent();
      // created last: once its route is in the router, so are the others (one outbox, in order)
      create(db, "probe", probe, "site_published", true, null);

      String bootstrap = up.config().kafkaBootstrapServers();
      EventCatalog catalog = EventCatalog.load();
      AtomicInteger probes = new AtomicInteger();
      try (EventPublisher events =
          EventPublisher.create(PublisherConfig.builder(bootstrap).source("urn:test").build())) {
        JsonNode site = catalog.find("site_published").orElseThrow().example();
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  events.publishSync("site_published", site);
                  probes.incrementAndGet();
                  return !probe.received().isEmpty();
                });
        JsonNode payment = catalog.find("payment_received").orElseThrow().example();
        for (int i = 0; i < EVENTS; i++) events.publishSync("payment_received", payment);
      }
      try (var raw =
          new KafkaProducer<String, String>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
              new StringSerializer(),
              new StringSerializer())) {
        for (int i = 0; i < INVALID; i++)
          raw.send(new ProducerRecord<>("events.payments", "k", "not an event")).get();
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  probe.received().size() == probes.get()
                      && ok.received().size() == EVENTS
                      && broken.received().size() == EVENTS);

      Map<String, String> onlyDataDir = Map.of("HOOKLINE_DATA_DIR", dataDir.toString());
      String succeeded = (probes.get() + EVENTS) + " succeeded, ";
      Result[] last = new Result[1];
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                last[0] = status(onlyDataDir);
                assertThat(last[0].out())
                    .contains("Kafka             ok, 1 broker at " + bootstrap)
                    .contains("PostgreSQL        ok at jdbc:postgresql://")
                    .contains("Webhooks          3 active, 1 inactive, 1 disabled")
                    .contains(
                        "Attempts (1 min)  "
                            + succeeded
                            + EVENTS
                            + " failed with an HTTP status, 0 without a response")
                    .contains("Retries           0 due now, " + EVENTS + " scheduled")
                    .containsPattern(
                        "Dispatchers       share group hookline-dispatchers: 1 worker with \\d+ consumers? \\(\\w+\\),"
                            + " lag 0 on hookline.deliveries")
                    .contains("Open circuits     1 webhook")
                    .containsPattern("\"broken\" " + brokenId + ": open until \\S+ in 1 worker");
                // the records plus at most one commit marker each (the router is transactional)
                assertThat(invalidEvents(last[0].out())).isBetween((long) INVALID, 2L * INVALID);
              });
      assertThat(last[0].code()).isZero();
      System.out.println(last[0].out()); // what an operator sees, in the test report

      // Kafka down, PostgreSQL up: the database lines still show, the exit code says it
      Map<String, String> noKafka = new HashMap<>(onlyDataDir);
      noKafka.put("HOOKLINE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closedPort());
      Result partial = boundedStatus(noKafka);
      assertThat(partial.code()).isEqualTo(1);
      assertThat(partial.out())
          .containsPattern("Kafka             unreachable \\(.+\\) at 127\\.0\\.0\\.1:")
          .contains("Webhooks          3 active, 1 inactive, 1 disabled")
          .contains("Dispatchers       unreachable (");
    } finally {
      up.running().close();
    }
  }

  @Test
  void neitherKafkaNorPostgresReachableIsSaidPlainlyWithinSecondsAndExitsOne(@TempDir Path dataDir)
      throws Exception {
    Map<String, String> env =
        Map.of(
            "HOOKLINE_DATA_DIR", dataDir.toString(),
            "HOOKLINE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closedPort(),
            "HOOKLINE_DB_URL", "jdbc:postgresql://127.0.0.1:" + closedPort() + "/hookline");
    Result result = boundedStatus(env);
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.out())
        .containsPattern("Kafka             unreachable \\(.+\\) at 127\\.0\\.0\\.1:\\d+")
        .containsPattern(
            "PostgreSQL        unreachable \\(.+\\) at jdbc:postgresql://127\\.0\\.0\\.1:\\d+/hookline")
        .contains("Webhooks          unreachable (")
        .contains("Open circuits     unreachable (");
  }

  /** A status run that must end within seconds, whatever does not answer. */
  private static Result boundedStatus(Map<String, String> env) {
    long start = System.nanoTime();
    Result result = status(env);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    return result;
  }

  private static Result status(Map<String, String> env) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            List.of("status"),
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
  }

  private static long invalidEvents(String out) {
    Matcher m = Pattern.compile("Invalid events    (\\d+) in hookline.invalid-events").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static UUID create(
      Database db, String name, Receiver to, String event, boolean active, List<Integer> retries) {
    return db.webhooks()
        .create(
            TestWebhooks.newWebhook()
                .name(name)
                .url(to.url("/" + name))
                .events(event)
                .active(active)
                .timeoutSeconds(5)
                .retrySchedule(retries)
                .build())
        .webhook()
        .id();
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
