package dev.hookline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventCatalogTest {
  private static final EventCatalog CATALOG = EventCatalog.load();
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
  private static final Set<String> DOMAINS =
      Set.of("payments", "sites", "customers", "memberships", "domains", "hookline");

  static List<EventType> types() {
    return CATALOG.types();
  }

  @Test
  void shipsTheMultisiteCatalogAndHooklinesOwnEvent() {
    assertThat(CATALOG.types())
        .extracting(EventType::name)
        .containsExactlyInAnyOrder(
            "payment_received",
            "site_published",
            "confirm_email_address",
            "domain_created",
            "renewal_payment_created",
            "invoice_sent",
            "payment_failed",
            "membership_expired",
            "customer_created",
            "customer_updated",
            "membership_created",
            "membership_updated",
            "payment_created",
            "payment_updated",
            "hookline.webhook.disabled");
    assertThat(CATALOG.find("payment_received"))
        .get()
        .extracting(EventType::topic)
        .isEqualTo("events.payments");
    assertThat(CATALOG.find("hookline.webhook.disabled"))
        .get()
        .extracting(EventType::topic)
        .isEqualTo(Topics.HOOKLINE_EVENTS);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void exampleValidatesAgainstItsOwnSchema(EventType type) {
    assertThat(CATALOG.validate(type.name(), type.example())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void everyTypeIsDescribed(EventType type) {
    assertThat(type.name()).matches(NAME);
    assertThat(type.title()).isNotBlank();
    assertThat(type.description()).isNotBlank();
    assertThat(type.domain()).isIn(DOMAINS);
    assertThat(type.schema().path("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(type.schema().path("type").asText()).isEqualTo("object");
    // producers evolve: extra fields must never make an event invalid
    assertThat(type.schema().path("additionalProperties").asBoolean(true)).isTrue();
    // every required field is declared and present in the example
    for (JsonNode required : type.schema().path("required")) {
      assertThat(type.schema().path("properties").has(required.asText()))
          .as(required.asText())
          .isTrue();
      assertThat(type.example().has(required.asText())).as(required.asText()).isTrue();
    }
  }

  @Test
  void namesAreUnique() {
    Set<String> seen = new HashSet<>();
    for (EventType type : CATALOG.types())
      assertThat(seen.add(type.name())).as(type.name()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void extraFieldsAreAllowed(EventType type) {
    ObjectNode data = type.example().deepCopy();
    data.put("wu_version", "2.3.4");
    assertThat(CATALOG.validate(type.name(), data)).isEmpty();
  }

  @Test
  void wrongTypeNamesTheField() {
    ObjectNode data = example("payment_received");
    data.put("payment_total", 31.9); // the formatted string, not the raw number
    data.put("payment_total_raw", "31.90");
    List<FieldError> errors = CATALOG.validate("payment_received", data);
    assertThat(errors)
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("data.payment_total", "data.payment_total_raw");
    assertThat(errors).allSatisfy(e -> assertThat(e.message()).isNotBlank());
    assertThat(errors)
        .filteredOn(e -> e.field().equals("data.payment_total"))
        .singleElement()
        .extracting(FieldError::message)
        .asString()
        .contains("string");
  }

  @Test
  void booleansMustBeBooleans() {
    ObjectNode data = example("domain_created");
    data.put("domain_active", "true"); // what the old PHP plugin sent
    assertThat(CATALOG.validate("domain_created", data))
        .extracting(FieldError::field)
        .containsExactly("data.domain_active");
  }

  @Test
  void missingRequiredFieldNamesTheField() {
    ObjectNode data = example("payment_received");
    data.remove("payment_id");
    List<FieldError> errors = CATALOG.validate("payment_received", data);
    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("data.payment_id");
              assertThat(e.message()).contains("payment_id");
            });
  }

  @Test
  void formatsAreAsserted() {
    ObjectNode data = example("payment_received");
    data.put("customer_user_email", "not-an-email");
    data.put("payment_date_created", "28/11/2026");
    data.put("payment_invoice_url", "not a url");
    assertThat(CATALOG.validate("payment_received", data))
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder(
            "data.customer_user_email", "data.payment_date_created", "data.payment_invoice_url");
  }

  @Test
  void nullableExpirationAcceptsNullButNotGarbage() {
    ObjectNode data = example("membership_expired");
    data.putNull("membership_date_expiration");
    assertThat(CATALOG.validate("membership_expired", data)).isEmpty();
    data.put("membership_date_expiration", "soon");
    assertThat(CATALOG.validate("membership_expired", data))
        .extracting(FieldError::field)
        .containsExactly("data.membership_date_expiration");
  }

  @Test
  void nestedPathsUseDotsAndIndexes() {
    // the shipped payloads are flat, but producers may nest: paths must still name the field
    JsonNode schema =
        json(
            """
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
         "properties": {
           "customer": {"type": "object", "properties": {"email": {"type": "string", "format": "email"}}},
           "items": {"type": "array", "items": {"type": "object", "required": ["qty"]}}}}""");
    EventCatalog nested =
        EventCatalog.of(
            List.of(
                new EventType(
                    "order_placed", "Order Placed", "An order.", "orders", schema, json("{}"))));
    ObjectNode data = Json.MAPPER.createObjectNode();
    data.putObject("customer").put("email", "x");
    ArrayNode items = data.putArray("items");
    items.addObject().put("name", "ok");
    List<FieldError> errors = nested.validate("order_placed", data);
    assertThat(errors)
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("data.customer.email", "data.items[0].qty");
  }

  @Test
  void unknownTypeIsAnErrorOnType() {
    assertThat(CATALOG.validate("no_such_event", example("payment_received")))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("type");
              assertThat(e.message()).contains("no_such_event");
            });
  }

  @Test
  void nonObjectDataIsAnErrorOnData() {
    assertThat(CATALOG.validate("payment_received", Json.MAPPER.createArrayNode()))
        .extracting(FieldError::field)
        .containsExactly("data");
    assertThat(CATALOG.validate("payment_received", null))
        .extracting(FieldError::field)
        .containsExactly("data");
  }

  @Test
  void validateIsSafeFromManyThreads() throws Exception {
    ObjectNode bad = example("payment_received");
    bad.remove("payment_id");
    List<Thread> threads = new java.util.ArrayList<>();
    java.util.concurrent.ConcurrentLinkedQueue<String> failures =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    for (int t = 0; t < 4; t++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 500; i++) {
                      if (!CATALOG
                          .validate("payment_received", example("payment_received"))
                          .isEmpty()) failures.add("good failed");
                      if (CATALOG.validate("payment_received", bad).size() != 1)
                        failures.add("bad passed");
                    }
                  }));
    }
    for (Thread thread : threads) thread.join();
    assertThat(failures).isEmpty();
  }

  @Test
  void aBrokenSchemaFailsAtLoadNotAtFirstEvent() {
    JsonNode schema = json("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": 42}}}");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                EventCatalog.of(
                    List.of(new EventType("broken", "Broken", "Broken.", "x", schema, json("{}")))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("broken");
  }

  static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static ObjectNode example(String type) {
    return CATALOG.find(type).orElseThrow().example().deepCopy();
  }
}
