package dev.hookline.schemas.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.DeliveredBody;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The filter language as a table: what matches, what does not and why, what is refused. */
class FilterTest {
  /** The body a receiver gets for a payment_received event (DeliveredBody). */
  static final JsonNode BODY =
      DeliveredBody.of(
          new Event(
              "evt_1",
              "payment_received",
              "/test",
              Instant.parse("2026-12-05T10:15:30Z"),
              json(
                  """
                  {"payment_total_raw": 150, "payment_gateway": "stripe", "currency": "EUR",
                   "amount": 12.5, "paid": true, "coupon": null,
                   "customer": {"id": "cus_42", "email": "ann@example.com", "tags": ["vip", "eu"]},
                   "items": [{"sku": "plan-pro", "qty": 1}, {"sku": "addon-ssl", "qty": 2}]}
                  """),
              null));

  static Stream<Arguments> matching() {
    return Stream.of(
        // the example of docs/design.md
        row(
            "{\"data.payment_total_raw\": {\"$gte\": 100}, \"data.payment_gateway\": {\"$in\": [\"stripe\"]}}"),
        row("{}"),
        row("{\"type\": \"payment_received\"}"),
        row("{\"timestamp\": {\"$gte\": \"2026-12-05T00:00:00Z\", \"$lt\": \"2026-12-06\"}}"),
        row("{\"data.payment_gateway\": {\"$eq\": \"stripe\"}}"),
        row("{\"data.payment_total_raw\": {\"$eq\": 150.0}}"),
        row(
            "{\"data.customer\": {\"$eq\": {\"email\": \"ann@example.com\", \"id\": \"cus_42\","
                + " \"tags\": [\"vip\", \"eu\"]}}}"),
        row("{\"data.customer.tags\": [\"vip\", \"eu\"]}"),
        row("{\"data.coupon\": null}"),
        row("{\"data.paid\": true}"),
        row("{\"data.payment_gateway\": {\"$ne\": \"paypal\"}}"),
        row("{\"data.missing\": {\"$ne\": 1}}"),
        row("{\"data.payment_total_raw\": {\"$gt\": 149.99}}"),
        row("{\"data.payment_total_raw\": {\"$gte\": 150}}"),
        row("{\"data.amount\": {\"$lt\": 13}}"),
        row("{\"data.amount\": {\"$lte\": 12.5}}"),
        row("{\"data.currency\": {\"$gt\": \"CHF\"}}"),
        row("{\"data.payment_total_raw\": {\"$in\": [1, 150, \"x\"]}}"),
        row("{\"data.coupon\": {\"$in\": [null]}}"),
        row("{\"data.payment_gateway\": {\"$nin\": [\"paypal\", \"mollie\"]}}"),
        row("{\"data.missing\": {\"$nin\": [\"a\"]}}"),
        row("{\"data.coupon\": {\"$exists\": true}}"),
        row("{\"data.missing\": {\"$exists\": false}}"),
        row("{\"data.customer.email\": {\"$prefix\": \"ann@\"}}"),
        row("{\"data.items.1.sku\": \"addon-ssl\"}"),
        row("{\"data.customer.tags.0\": {\"$prefix\": \"v\"}}"),
        row("{\"$and\": [{\"data.paid\": true}, {\"data.currency\": \"EUR\"}]}"),
        row("{\"$or\": [{\"data.currency\": \"USD\"}, {\"data.currency\": \"EUR\"}]}"),
        row("{\"$not\": {\"data.payment_gateway\": \"paypal\"}}"),
        row(
            "{\"$or\": [{\"$and\": [{\"data.paid\": false}]}, {\"$not\": {\"$or\": [{\"data.x\":"
                + " 1}]}}]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matching")
  void matches(String filter) {
    Filter compiled = Filter.compile(json(filter));
    assertThat(compiled.matches(BODY)).isTrue();
    assertThat(compiled.firstFailure(BODY)).isEmpty();
  }

  static Stream<Arguments> notMatching() {
    return Stream.of(
        // filter, where the first failing clause is, its operator, the body's value there (or
        // "missing")
        row(
            "{\"data.payment_total_raw\": {\"$gte\": 100}, \"data.payment_gateway\": {\"$in\": [\"paypal\"]}}",
            "filter[\"data.payment_gateway\"].$in",
            "$in",
            "\"stripe\""),
        row("{\"type\": \"payment_refunded\"}", "filter[\"type\"]", "$eq", "\"payment_received\""),
        row("{\"data.payment_total_raw\": {\"$eq\": \"150\"}}", "$eq", "150"),
        row("{\"data.missing\": {\"$eq\": null}}", "$eq", "missing"),
        row("{\"data.customer\": {\"$eq\": {\"id\": \"cus_42\"}}}", "$eq", null),
        row("{\"data.customer.tags\": [\"eu\", \"vip\"]}", "$eq", null),
        row("{\"data.payment_gateway\": {\"$ne\": \"stripe\"}}", "$ne", "\"stripe\""),
        row("{\"data.payment_total_raw\": {\"$gt\": 150}}", "$gt", "150"),
        row("{\"data.payment_total_raw\": {\"$gte\": \"100\"}}", "$gte", "150"),
        row("{\"data.payment_total_raw\": {\"$gte\": 150.5}}", "$gte", "150"),
        row("{\"data.missing\": {\"$gte\": 0}}", "$gte", "missing"),
        row("{\"data.coupon\": {\"$lt\": 1}}", "$lt", "null"),
        row("{\"data.amount\": {\"$lt\": 12.5}}", "$lt", "12.5"),
        row("{\"data.currency\": {\"$lte\": \"DKK\"}}", "$lte", "\"EUR\""),
        row("{\"data.payment_total_raw\": {\"$in\": [\"150\"]}}", "$in", "150"),
        row("{\"data.missing\": {\"$in\": [null]}}", "$in", "missing"),
        row("{\"data.payment_gateway\": {\"$nin\": [\"stripe\"]}}", "$nin", "\"stripe\""),
        row("{\"data.coupon\": {\"$exists\": false}}", "$exists", "null"),
        row("{\"data.missing\": {\"$exists\": true}}", "$exists", "missing"),
        row("{\"data.customer.email\": {\"$prefix\": \"bob@\"}}", "$prefix", null),
        row("{\"data.payment_total_raw\": {\"$prefix\": \"1\"}}", "$prefix", "150"),
        row("{\"data.items.2.sku\": \"x\"}", "$eq", "missing"),
        row("{\"data.items.01.sku\": \"addon-ssl\"}", "$eq", "missing"),
        row("{\"data.payment_gateway.name\": {\"$exists\": true}}", "$exists", "missing"),
        row(
            "{\"$and\": [{\"data.paid\": true}, {\"data.currency\": \"USD\"}]}",
            "filter.$and[1][\"data.currency\"]",
            "$eq",
            "\"EUR\""),
        row(
            "{\"$or\": [{\"data.currency\": \"USD\"}, {\"data.currency\": \"GBP\"}]}",
            "filter.$or",
            "$or",
            "missing"),
        row("{\"$not\": {\"data.paid\": true}}", "filter.$not", "$not", "missing"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notMatching")
  void doesNotMatch(String filter, String at, String operator, String actual) {
    Filter compiled = Filter.compile(json(filter));
    assertThat(compiled.matches(BODY)).isFalse();
    Clause failed = compiled.firstFailure(BODY).orElseThrow();
    if (at != null) assertThat(failed.at()).isEqualTo(at);
    assertThat(failed.operator()).isEqualTo(operator);
    if ("missing".equals(actual)) assertThat(failed.actual()).isNull();
    else if (actual != null) assertThat(failed.actual()).isEqualTo(json(actual));
  }

  static Stream<Arguments> refused() {
    String deep = "{\"data.x\": 1}";
    for (int i = 0; i <= Filter.MAX_NESTING; i++) deep = "{\"$not\": " + deep + "}";
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i <= Filter.MAX_CLAUSES; i++)
      many.append(i == 0 ? "" : ",").append("\"d.f" + i + "\": 1");
    many.append('}');
    StringBuilder large = new StringBuilder("{\"data.x\": {\"$in\": [");
    for (int i = 0; i < 200; i++)
      large.append(i == 0 ? "" : ",").append("\"" + "v".repeat(40) + i + "\"");
    large.append("]}}");
    StringBuilder manyValues = new StringBuilder("{\"data.x\": {\"$in\": [");
    for (int i = 0; i <= Filter.MAX_VALUES; i++) manyValues.append(i == 0 ? "" : ",").append(i);
    manyValues.append("]}}");
    return Stream.of(
        // filter, where the error is, the operator named (null: none), a part of the reason
        row("[1]", "filter", null, "must be a JSON object"),
        row("\"x\"", "filter", null, "must be a JSON object"),
        row(
            "{\"data.x\": {\"$regex\": \"a\"}}",
            "filter[\"data.x\"].$regex",
            "$regex",
            "unknown operator $regex"),
        row("{\"$nor\": []}", "filter.$nor", "$nor", "unknown operator"),
        row("{\"$gte\": 1}", "filter.$gte", "$gte", "applies to a path"),
        row("{\"data.x\": {\"$or\": []}}", "filter[\"data.x\"].$or", "$or", "top level"),
        row(
            "{\"data.x\": {\"$gt\": true}}",
            "filter[\"data.x\"].$gt",
            "$gt",
            "a number or a string, not a boolean"),
        row("{\"data.x\": {\"$gte\": [1]}}", "filter[\"data.x\"].$gte", "$gte", "not an array"),
        row("{\"data.x\": {\"$lt\": null}}", "filter[\"data.x\"].$lt", "$lt", "not null"),
        row("{\"data.x\": {\"$lte\": {}}}", "filter[\"data.x\"].$lte", "$lte", "not an object"),
        row(
            "{\"data.x\": {\"$in\": \"stripe\"}}",
            "filter[\"data.x\"].$in",
            "$in",
            "array of 1 to"),
        row("{\"data.x\": {\"$in\": []}}", "filter[\"data.x\"].$in", "$in", "array of 1 to"),
        row(
            "{\"data.x\": {\"$nin\": [[1]]}}",
            "filter[\"data.x\"].$nin[0]",
            "$nin",
            "not an array"),
        row(manyValues.toString(), "filter[\"data.x\"].$in", "$in", "array of 1 to 256"),
        row(
            "{\"data.x\": {\"$exists\": 1}}",
            "filter[\"data.x\"].$exists",
            "$exists",
            "true or false"),
        row(
            "{\"data.x\": {\"$prefix\": 1}}",
            "filter[\"data.x\"].$prefix",
            "$prefix",
            "takes a string"),
        row("{\"$and\": {}}", "filter.$and", "$and", "non-empty array"),
        row("{\"$or\": []}", "filter.$or", "$or", "non-empty array"),
        row("{\"$or\": [1]}", "filter.$or[0]", "$or", "non-empty array of filter objects"),
        row("{\"$not\": []}", "filter.$not", "$not", "non-empty filter object"),
        row(
            "{\"$and\": [{\"data.x\": {\"$in\": 1}}]}",
            "filter.$and[0][\"data.x\"].$in",
            "$in",
            "array"),
        row("{\"data.x\": {}}", "filter[\"data.x\"]", null, "at least one operator"),
        row("{\"data.x\": {\"$eq\": 1, \"y\": 2}}", "filter[\"data.x\"]", null, "mixes operators"),
        row("{\"\": 1}", "filter[\"\"]", null, "must not be empty"),
        row("{\"data..x\": 1}", "filter[\"data..x\"]", null, "single dots"),
        row("{\"data.x.\": 1}", "filter[\"data.x.\"]", null, "single dots"),
        row("{\"" + "a.".repeat(16) + "b\": 1}", null, null, "at most 16 segments"),
        row("{\"" + "a".repeat(257) + "\": 1}", null, null, "at most 256 characters"),
        row(deep, null, "$not", "nested deeper than 5"),
        row(many.toString(), null, "$eq", "at most 64 operators"),
        row(large.toString(), "filter", null, "more than the limit of 8192"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refuses(String filter, String at, String operator, String reason) {
    assertThatThrownBy(() -> Filter.compile(json(filter)))
        .isInstanceOfSatisfying(
            FilterException.class,
            e -> {
              if (at != null) assertThat(e.at()).isEqualTo(at);
              assertThat(e.operator()).isEqualTo(operator);
              assertThat(e.reason()).contains(reason);
              if (operator != null) assertThat(e.reason()).contains(operator);
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedFiltersNameWhereInTheirMessage(
      String filter, String at, String operator, String reason) {
    assertThatThrownBy(() -> Filter.compile(json(filter), "webhook.filter"))
        .hasMessageStartingWith("webhook.filter");
  }

  private static Arguments row(Object... values) {
    if (values.length == 3) return Arguments.of(values[0], null, values[1], values[2]);
    return Arguments.of(values);
  }

  static JsonNode json(String text) {
    return Json.readTree(text.getBytes(StandardCharsets.UTF_8));
  }
}
