package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /api/v1/events} with an {@code Idempotency-Key}: a request sent again publishes
 * nothing and gets the first answer; the key with another body is refused. On the in-memory store
 * here, on PostgreSQL in {@link IdempotencyKeyOnPostgresTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ApiFixtureExtension.class)
class IdempotencyKeyTest {
  static final String EVENT =
      """
      {"type": "payment_received", "data": %s}""";
  static final String DATA =
      """
      {"payment_id": 1201, "membership_id": 314, "customer_id": 77,
       "customer_user_email": "grace@example.com"}""";

  private final ApiFixture fixture;

  IdempotencyKeyTest(ApiFixture fixture) {
    this.fixture = fixture;
  }

  @BeforeEach
  void publishingWorks() {
    fixture.publishing.failure = null;
  }

  @Test
  void theSameKeyAndBodyAnswerTheFirstResponseAndPublishNothing() {
    String key = UUID.randomUUID().toString();
    int before = fixture.publishing.published.size();

    ApiFixture.Response first = publish(key, EVENT.formatted(DATA));
    ApiFixture.Response again = publish(key, EVENT.formatted(DATA));
    // the same JSON with other white space is the same request
    ApiFixture.Response reformatted = publish(key, EVENT.formatted(DATA).replace(" ", ""));

    assertThat(first.status()).as(first.body()).isEqualTo(202);
    assertThat(first.header(IdempotentRequests.REPLAYED_HEADER)).isNull();
    for (ApiFixture.Response repeated : List.of(again, reformatted)) {
      assertThat(repeated.status()).as(repeated.body()).isEqualTo(202);
      assertThat(repeated.json().get("id")).isEqualTo(first.json().get("id"));
      assertThat(repeated.header(IdempotentRequests.REPLAYED_HEADER)).isEqualTo("true");
    }
    assertThat(fixture.publishing.published).hasSize(before + 1);
  }

  @Test
  void theSameKeyWithAnotherBodyIsAConflictAndPublishesNothing() {
    String key = UUID.randomUUID().toString();
    assertThat(publish(key, EVENT.formatted(DATA)).status()).isEqualTo(202);
    int before = fixture.publishing.published.size();

    ApiFixture.Response other = publish(key, EVENT.formatted(DATA.replace("1201", "1202")));

    assertThat(other.status()).as(other.body()).isEqualTo(409);
    assertThat(other.contentType()).startsWith("application/problem+json");
    assertThat(other.json().get("detail").asText())
        .contains("Idempotency-Key")
        .contains("another request body");
    assertThat(fixture.publishing.published).hasSize(before);
  }

  @Test
  void differentKeysAndNoKeyPublishEachTime() {
    int before = fixture.publishing.published.size();
    publish(UUID.randomUUID().toString(), EVENT.formatted(DATA));
    publish(UUID.randomUUID().toString(), EVENT.formatted(DATA));
    publish(null, EVENT.formatted(DATA));
    publish(null, EVENT.formatted(DATA));
    assertThat(fixture.publishing.published).hasSize(before + 4);
  }

  @Test
  void aRequestThatCouldNotPublishLeavesItsKeyFreeForTheRetry() {
    String key = UUID.randomUUID().toString();
    fixture.publishing.failure = new IllegalStateException("kafka is away");
    ApiFixture.Response failed = publish(key, EVENT.formatted(DATA));
    assertThat(failed.status()).as(failed.body()).isEqualTo(503);

    fixture.publishing.failure = null;
    int before = fixture.publishing.published.size();
    ApiFixture.Response retried = publish(key, EVENT.formatted(DATA));
    assertThat(retried.status()).as(retried.body()).isEqualTo(202);
    assertThat(retried.header(IdempotentRequests.REPLAYED_HEADER)).isNull();
    assertThat(fixture.publishing.published).hasSize(before + 1);
  }

  @Test
  void anInvalidEventWithAKeyIsRefusedAndDoesNotTakeTheKey() {
    String key = UUID.randomUUID().toString();
    ApiFixture.Response refused = publish(key, EVENT.formatted("{\"payment_id\": \"x\"}"));
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(publish(key, EVENT.formatted(DATA)).header(IdempotentRequests.REPLAYED_HEADER))
        .isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "a b", "a\tb"})
  void aMalformedKeyIsA400NamingTheHeaderAndWritesNothing(String key) {
    assertRefused(key);
  }

  @Test
  void aKeyOver255CharactersIsA400NamingTheHeader() {
    assertRefused("k".repeat(256));
    assertThat(publish("k".repeat(255), EVENT.formatted(DATA)).status()).isEqualTo(202);
  }

  private void assertRefused(String key) {
    int before = fixture.publishing.published.size();
    Object state = fixture.backend.state();
    ApiFixture.Response refused = publish(key, EVENT.formatted(DATA));
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.json().get("errors").get(0).get("field").asText())
        .isEqualTo("Idempotency-Key");
    assertThat(fixture.publishing.published).hasSize(before);
    assertThat(fixture.backend.state()).isEqualTo(state);
  }

  @Test
  void aBatchEventsKeyWorksAsTheHeaderForThatEventAlone() {
    String key = UUID.randomUUID().toString();
    String keyed =
        "{\"type\": \"payment_received\", \"idempotencyKey\": \"" + key + "\", \"data\": %s}";
    String plain = EVENT.formatted(DATA);
    int before = fixture.publishing.published.size();

    JsonNode first = batch("[" + keyed.formatted(DATA) + "," + plain + "]");
    JsonNode again = batch("[" + plain + "," + keyed.formatted(DATA) + "]");
    JsonNode other = batch("[" + keyed.formatted(DATA.replace("1201", "1202")) + "]");

    String id = first.get("results").get(0).get("id").asText();
    assertThat(first.get("accepted").asInt()).isEqualTo(2);
    assertThat(first.get("results").get(0).has("replayed")).isFalse();
    // the keyed event again, after an unkeyed one: answered with the first id, not published
    assertThat(again.get("accepted").asInt()).isEqualTo(2);
    assertThat(again.get("results").get(1).get("id").asText()).isEqualTo(id);
    assertThat(again.get("results").get(1).get("replayed").asBoolean()).isTrue();
    // the key with another event: a 409 for that event, naming the key's rule
    assertThat(other.get("rejected").asInt()).isEqualTo(1);
    assertThat(other.get("results").get(0).get("status").asInt()).isEqualTo(409);
    assertThat(fixture.publishing.published).hasSize(before + 3);
    // the same event sent alone with the key as the header is the same request
    ApiFixture.Response single = publish(key, plain);
    assertThat(single.status()).isEqualTo(202);
    assertThat(single.json().get("id").asText()).isEqualTo(id);
    assertThat(single.header(IdempotentRequests.REPLAYED_HEADER)).isEqualTo("true");
  }

  @Test
  void theHeaderIsRefusedOnABatch() {
    int before = fixture.publishing.published.size();
    ApiFixture.Response refused =
        fixture.send(
            "POST",
            "/api/v1/events/batch",
            "application/json",
            "{\"events\": [" + EVENT.formatted(DATA) + "]}",
            ApiFixture.TOKEN,
            Map.of("Idempotency-Key", UUID.randomUUID().toString()));
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.json().get("errors").get(0).get("field").asText())
        .isEqualTo("Idempotency-Key");
    assertThat(fixture.publishing.published).hasSize(before);
  }

  private JsonNode batch(String events) {
    ApiFixture.Response response =
        fixture.send(
            "POST",
            "/api/v1/events/batch",
            "application/json",
            "{\"events\": " + events + "}",
            ApiFixture.TOKEN);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  private ApiFixture.Response publish(String key, String body) {
    return fixture.send(
        "POST",
        "/api/v1/events",
        "application/json",
        body,
        ApiFixture.TOKEN,
        key == null ? Map.of() : Map.of("Idempotency-Key", key));
  }
}
