package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.app.routing.RoutingKit;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublishOptions;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Tenants on the real stack (broker, PostgreSQL, router, worker): events with a tenant from every
 * publishing path reach that tenant's webhooks and the network-wide ones, and no other tenant's; a
 * malformed {@code ce_tenant} goes to {@code hookline.invalid-events}; a tenant's token sees its
 * own only.
 */
class TenantsIT {
  private static final String TYPE = "payment_received";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern PUBLISHED = Pattern.compile("published (\\S+) ");

  private final TestStack stack = TestStack.get();
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String a = "acme-" + suffix;
  private final String b = "globex-" + suffix;

  @Test
  void everyPublishingPathRoutesOnTenantAndType() throws Exception {
    tenant(a);
    tenant(b);
    Set<UUID> watched = ConcurrentHashMap.newKeySet();
    try (Receiver ofA = new Receiver();
        Receiver ofB = new Receiver();
        Receiver network = new Receiver();
        RoutingKit.Tasks tasks =
            new RoutingKit.Tasks(stack.config.kafkaBootstrapServers(), watched, false);
        EventPublisher publisher =
            EventPublisher.create(
                PublisherConfig.builder(stack.config.kafkaBootstrapServers())
                    .source("urn:test:tenants")
                    .build())) {
      UUID networkHook = webhook(null, network.url("/all"));
      UUID hookB = webhook(b, ofB.url("/b"));
      UUID hookA = webhook(a, ofA.url("/a"));
      watched.addAll(List.of(networkHook, hookA, hookB));
      // routes load in order: once A's webhook gets an event of A, the others are loaded too
      JsonNode example = EventCatalog.load().find(TYPE).orElseThrow().example();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                publisher.publishSync(TYPE, example, PublishOptions.none().withTenant(a));
                return !ofA.received().isEmpty();
              });
      tasks.catchUp();
      int before = tasks.seen().size();

      String viaApi = publishOverHttp(a);
      String viaLibrary =
          publisher.publishSync(TYPE, example, PublishOptions.none().withTenant(b)).id();
      String viaCli = publishWithTheCli(a);
      String viaCloudEvents = publishWithAPlainProducer(b, "ce-" + UUID.randomUUID());
      String withoutTenant = publishOverHttp(null);
      String ofNobody = publishOverHttp("initech-" + suffix); // a tenant without webhooks
      List<String> all =
          List.of(viaApi, viaLibrary, viaCli, viaCloudEvents, withoutTenant, ofNobody);

      // every event has a task for the network-wide webhook; a router transaction holds all the
      // tasks of an event, so once one is read committed, reading up to the end reads them all
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInSameThread()
          .until(
              () -> {
                tasks.poll();
                return all.stream()
                    .allMatch(
                        id ->
                            tasks.seen().stream()
                                .anyMatch(
                                    t ->
                                        t.event().id().equals(id)
                                            && t.webhookId().equals(networkHook)));
              });
      tasks.catchUp();
      Map<String, List<UUID>> routed = new ConcurrentHashMap<>();
      for (DeliveryTask task : tasks.seen().subList(before, tasks.seen().size())) {
        routed.computeIfAbsent(task.event().id(), k -> new ArrayList<>()).add(task.webhookId());
      }
      assertThat(routed).as("tasks by event").containsKeys(all.toArray(String[]::new));
      assertThat(routed.get(viaApi)).containsExactlyInAnyOrder(networkHook, hookA);
      assertThat(routed.get(viaLibrary)).containsExactlyInAnyOrder(networkHook, hookB);
      assertThat(routed.get(viaCli)).containsExactlyInAnyOrder(networkHook, hookA);
      assertThat(routed.get(viaCloudEvents)).containsExactlyInAnyOrder(networkHook, hookB);
      assertThat(routed.get(withoutTenant)).containsExactly(networkHook);
      assertThat(routed.get(ofNobody)).containsExactly(networkHook);

      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  all.stream().allMatch(id -> !network.receivedFor(id).isEmpty())
                      && !ofA.receivedFor(viaApi).isEmpty()
                      && !ofA.receivedFor(viaCli).isEmpty()
                      && !ofB.receivedFor(viaLibrary).isEmpty()
                      && !ofB.receivedFor(viaCloudEvents).isEmpty());
      // the tenant is not in the delivered body: the receiver's payload stays the Standard one
      assertThat(ofA.receivedFor(viaApi).get(0).body()).doesNotContain(a);
    }
  }

  @Test
  void aMalformedCeTenantGoesToInvalidEventsWithTheReason() throws Exception {
    String id = "ce-bad-" + UUID.randomUUID();
    publishWithAPlainProducer("not a tenant|x", id);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> !TopicReader.recordsWithKey(Topics.INVALID_EVENTS, id).isEmpty());
    ConsumerRecord<String, byte[]> refused =
        TopicReader.recordsWithKey(Topics.INVALID_EVENTS, id).get(0);
    assertThat(
            new String(
                refused.headers().lastHeader(Topics.INVALID_REASON_HEADER).value(),
                StandardCharsets.UTF_8))
        .startsWith("ce_tenant")
        .contains("1 to 64");
  }

  @Test
  void aTenantTokenSeesItsOwnOnlyOnPostgres() throws Exception {
    tenant(a);
    tenant(b);
    UUID mine = webhook(a, "https://example.com/a");
    UUID theirs = webhook(b, "https://example.com/b");
    UUID network = webhook(null, "https://example.com/n");
    String token = stack.call("POST", "/tenants/" + a + "/tokens", null, 201).get("token").asText();

    assertThat(as(token, "GET", "/webhooks/" + mine, null).statusCode()).isEqualTo(200);
    for (UUID other : List.of(theirs, network)) {
      HttpResponse<String> hidden = as(token, "GET", "/webhooks/" + other, null);
      assertThat(hidden.statusCode()).isEqualTo(404);
      assertThat(hidden.body().replace(other.toString(), "<id>"))
          .isEqualTo(
              as(token, "GET", "/webhooks/" + UUID.randomUUID(), null)
                  .body()
                  .replaceAll("[0-9a-f-]{36}", "<id>"));
      assertThat(as(token, "DELETE", "/webhooks/" + other, null).statusCode()).isEqualTo(404);
    }
    JsonNode list = Json.MAPPER.readTree(as(token, "GET", "/webhooks", null).body()).get("data");
    assertThat(list.findValuesAsText("id")).containsExactly(mine.toString());
    JsonNode asked =
        Json.MAPPER.readTree(as(token, "GET", "/webhooks?tenant=" + b, null).body()).get("data");
    assertThat(asked).as("another tenant's list is empty").isEmpty();
    assertThat(as(token, "POST", "/events", "{\"type\":\"" + TYPE + "\",\"data\":{}}").statusCode())
        .isEqualTo(403);
    assertThat(as(token, "GET", "/tenants/" + a, null).statusCode()).isEqualTo(403);
    assertThat(stack.call("GET", "/webhooks/" + theirs, null, 200).get("tenant").asText())
        .isEqualTo(b);
    stack.call("PATCH", "/webhooks/" + mine, "{\"tenant\": \"" + b + "\"}", 409);

    String tokenId =
        stack
            .call("GET", "/tenants/" + a + "/tokens", null, 200)
            .get("data")
            .get(0)
            .get("id")
            .asText();
    stack.call("DELETE", "/tenants/" + a + "/tokens/" + tokenId, null, 204);
    assertThat(as(token, "GET", "/webhooks", null).statusCode()).isEqualTo(401);
  }

  // --- helpers ---

  private void tenant(String id) throws Exception {
    stack.call("POST", "/tenants", "{\"id\": \"" + id + "\", \"name\": \"" + id + "\"}", 201);
  }

  private UUID webhook(String tenant, String url) throws Exception {
    String body =
        "{\"name\": \"tenants\", \"url\": \"%s\", \"events\": [\"%s\"]%s}"
            .formatted(url, TYPE, tenant == null ? "" : ", \"tenant\": \"" + tenant + "\"");
    return UUID.fromString(stack.call("POST", "/webhooks", body, 201).get("id").asText());
  }

  private String publishOverHttp(String tenant) throws Exception {
    JsonNode example = EventCatalog.load().find(TYPE).orElseThrow().example();
    String body =
        "{\"type\": \"%s\", \"data\": %s%s}"
            .formatted(
                TYPE,
                Json.toString(example),
                tenant == null ? "" : ", \"tenant\": \"" + tenant + "\"");
    return stack.call("POST", "/events", body, 202).get("id").asText();
  }

  private String publishWithTheCli(String tenant) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Map<String, String> env =
        Map.of("HOOKLINE_KAFKA_BOOTSTRAP_SERVERS", stack.config.kafkaBootstrapServers());
    int exit =
        new PublishCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .run(List.of(TYPE, "--example", "--tenant", tenant), HooklineConfig.fromEnv(env), env);
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(printed).isZero();
    assertThat(printed).contains("for tenant " + tenant);
    Matcher m = PUBLISHED.matcher(printed);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  /** Any CloudEvents producer: plain kafka-clients, the tenant as the {@code ce_tenant} header. */
  private String publishWithAPlainProducer(String tenant, String id) throws Exception {
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config.kafkaBootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    JsonNode example = EventCatalog.load().find(TYPE).orElseThrow().example();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      ProducerRecord<String, String> record =
          new ProducerRecord<>("events.payments", id, Json.toString(example));
      record
          .headers()
          .add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8))
          .add("ce_id", id.getBytes(StandardCharsets.UTF_8))
          .add("ce_source", "https://billing.example.com".getBytes(StandardCharsets.UTF_8))
          .add("ce_type", TYPE.getBytes(StandardCharsets.UTF_8))
          .add("ce_tenant", tenant.getBytes(StandardCharsets.UTF_8))
          .add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    }
    return id;
  }

  private HttpResponse<String> as(String token, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(stack.apiUrl(path)))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(30));
    if (body == null) request.method(method, HttpRequest.BodyPublishers.noBody());
    else
      request
          .header("content-type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
