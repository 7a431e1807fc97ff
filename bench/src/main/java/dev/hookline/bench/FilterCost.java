package dev.hookline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.DeliveredBody;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.EventType;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.filter.Filter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cost of one payload filter evaluation, measured in this JVM without JMH: a warm-up, then the
 * best of several timed rounds of many evaluations (the best, because a shared machine only ever
 * makes a round slower). Evaluations of a result kept in a field, so the JIT cannot drop them.
 */
final class FilterCost {
  static final String DESIGN_EXAMPLE =
      "{\"data.payment_total_raw\": {\"$gte\": 100}, \"data.payment_gateway\": {\"$in\": [\"stripe\"]}}";

  private static final int ROUNDS = 7;
  private static final int PER_ROUND = 2_000_000;

  private FilterCost() {}

  /** Nanoseconds per evaluation and per delivered body built, on the payment_received example. */
  static Map<String, Object> measure(EventType paymentReceived) {
    Event event =
        new Event(
            "evt_bench",
            paymentReceived.name(),
            "/bench",
            Instant.now(),
            paymentReceived.example(),
            null);
    JsonNode body = DeliveredBody.of(event);
    // the example pays 31.9: the first clause fails; with 100 or more, both clauses are read
    Filter failsFirst = Filter.compile(json(DESIGN_EXAMPLE));
    Filter passes =
        Filter.compile(
            json(
                "{\"data.payment_total_raw\": {\"$gte\": 10}, \"data.payment_gateway\": {\"$in\":"
                    + " [\"stripe\"]}}"));
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("filterEvalNanosBothClauses", nanos(() -> passes.matches(body) ? 1 : 0));
    f.put("filterEvalNanosFirstClauseFails", nanos(() -> failsFirst.matches(body) ? 1 : 0));
    f.put("deliveredBodyNanos", nanos(() -> DeliveredBody.of(event).size()));
    f.put("filterCompileNanos", nanos(() -> Filter.compile(json(DESIGN_EXAMPLE)).hashCode(), 20));
    return f;
  }

  private static double nanos(java.util.function.IntSupplier work) {
    return nanos(work, 1);
  }

  private static double nanos(java.util.function.IntSupplier work, int divisor) {
    int n = PER_ROUND / divisor;
    int warm = 0;
    for (int i = 0; i < n; i++) warm += work.getAsInt();
    double best = Double.MAX_VALUE;
    for (int r = 0; r < ROUNDS; r++) {
      long start = System.nanoTime();
      int acc = 0;
      for (int i = 0; i < n; i++) acc += work.getAsInt();
      best = Math.min(best, (System.nanoTime() - start) / (double) n);
      // read the result, so the JIT cannot drop the work
      if (acc == Integer.MIN_VALUE + warm) throw new IllegalStateException("unlikely sum");
    }
    return Math.round(best * 10) / 10.0;
  }

  private static JsonNode json(String text) {
    return Json.readTree(text.getBytes(StandardCharsets.UTF_8));
  }

  /** For a quick look: {@code java -cp ... dev.hookline.bench.FilterCost}. */
  public static void main(String[] args) {
    System.out.println(
        measure(dev.hookline.schemas.EventCatalog.load().find("payment_received").orElseThrow()));
  }
}
