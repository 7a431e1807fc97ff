package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 20's HTTP ingestion: {@code POST /api/v1/events} of the admin API (a JVM of its own,
 * started as {@code ./hookline admin-api} is) on 32 keep-alive connections, 1 KB events of a type
 * nothing is subscribed to, with the router and the workers stopped (as in the publish scenario,
 * which it is compared with); then the batch form, {@code POST /api/v1/events/batch}, at each batch
 * size. Each form: an unmeasured warm-up (JIT, connections), then a bounded count of events or
 * {@link #MAX_SECONDS}, whichever comes first.
 */
final class IngestScenario {
  static final double TARGET_SINGLE_PER_SECOND = 10_000;
  static final long MAX_SECONDS = 60;
  static final String TYPE = "payment_received";

  private IngestScenario() {}

  static List<ScenarioResult> run(Bench b) throws InterruptedException {
    BenchOptions o = b.options;
    b.stopWorkers();
    b.stack.stopRouter();
    ObjectNode data = Payloads.of(b.stack.catalog(), TYPE, o.payloadBytes());
    ObjectNode event = Json.MAPPER.createObjectNode().put("type", TYPE);
    event.set("data", data);
    byte[] single = Json.toBytes(event);
    List<ScenarioResult> results = new ArrayList<>();
    try (AdminApiProcess api = b.startAdminApi()) {
      URI singleUri = api.uri("/api/v1/events");
      long events = o.ingestEvents();
      int connections = o.ingestConnections();
      // the admin API's JVM has just started: its request path must be compiled before it counts;
      // on 2 cores its C2 was still a third of its CPU after 130,000 events (stop 32)
      long warmup = Math.min(200_000, Math.max(500, events * 4));
      IngestPoster.post(
          singleUri, api.token(), single, false, warmup, connections, seconds(MAX_SECONDS));
      results.add(
          measure(
              b, "ingest-single", singleUri, api.token(), single, false, 1, events, connections));
      for (int size : o.ingestBatches()) {
        ArrayNode items = Json.MAPPER.createArrayNode();
        for (int i = 0; i < size; i++) items.add(event);
        byte[] batch = Json.toBytes(Json.MAPPER.createObjectNode().set("events", items));
        URI batchUri = api.uri("/api/v1/events/batch");
        long requests = Math.max(1, events / size);
        IngestPoster.post(
            batchUri,
            api.token(),
            batch,
            true,
            Math.max(connections, warmup / size),
            connections,
            seconds(MAX_SECONDS));
        results.add(
            measure(
                b,
                "ingest-batch-" + size,
                batchUri,
                api.token(),
                batch,
                true,
                size,
                requests,
                connections));
      }
    }
    return results;
  }

  private static ScenarioResult measure(
      Bench b,
      String name,
      URI uri,
      String token,
      byte[] body,
      boolean batch,
      int perRequest,
      long requests,
      int connections)
      throws InterruptedException {
    CpuMeter.Snapshot cpu = b.cpu();
    IngestPoster.Result r =
        IngestPoster.post(uri, token, body, batch, requests, connections, seconds(MAX_SECONDS));
    CpuMeter.Snapshot cpuAfter = b.cpu();
    Map<String, Double> cores = new LinkedHashMap<>();
    // the load generator's threads (and any virtual threads' carriers) are counted as raw-client
    b.cores(cpu, cpuAfter)
        .forEach((k, v) -> cores.put(k.equals("raw-client") ? "http-client" : k, v));
    double rate = r.eventsPerSecond();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("requests", r.requests());
    f.put("eventsPerRequest", perRequest);
    f.put("events", r.events());
    f.put("failedRequests", r.failedRequests());
    f.put("connections", connections);
    f.put("requestBytes", body.length);
    f.put("seconds", Math.round(r.elapsedNanos() / 1e6) / 1e3);
    f.put("eventsPerSecond", Math.round(rate));
    Map<String, Object> perEvent = new LinkedHashMap<>();
    cores.forEach(
        (k, v) -> {
          if (rate > 0) perEvent.put(k, Math.round(v * 1e6 / rate * 10) / 10.0);
        });
    f.put("cpuMicrosPerEvent", perEvent);
    // how much of it was our JVMs still compiling (or collecting): at 120,000 events the admin
    // API's C2 compiler still took a third of its CPU (stop 32), which is not a request's cost
    f.put(
        "jitAndGcMicrosPerEvent (all JVMs, inside the parts)",
        CpuPerDelivery.each(CpuMeter.jitAndGcCores(cpu, cpuAfter), rate));
    // on a shared machine: the stack's own CPU per event, without the other people's work
    if (rate > 0 && cores.containsKey("machine")) {
      double ours = cores.get("machine") - cores.getOrDefault("other", 0.0);
      f.put("ownCpuMicrosPerEvent", Math.round(ours * 1e6 / rate * 10) / 10.0);
    }
    if (r.firstError() != null) f.put("firstError", abbreviate(r.firstError()));
    Object machine = perEvent.get("machine");
    Object api = perEvent.get("admin-api");
    String headline =
        String.format(
            "%,.0f events/s (%,d accepted, %d failed requests), machine %s µs/event (%s without"
                + " other load), admin-api %s µs/event",
            rate, r.events(), r.failedRequests(), machine, f.get("ownCpuMicrosPerEvent"), api);
    ScenarioResult.Verdict verdict;
    String target;
    if (batch) {
      ScenarioResult publish = b.byName.get("publish");
      Object publisherRate = publish == null ? null : publish.figures().get("perSecond");
      if (publisherRate instanceof Number n) {
        f.put("publisherPerSecond", n);
        target = String.format(">= the publisher's %,d/s", n.longValue());
        verdict =
            rate >= n.doubleValue() ? ScenarioResult.Verdict.PASS : ScenarioResult.Verdict.FAIL;
      } else {
        target = "the publisher's rate (run the publish scenario too)";
        verdict = ScenarioResult.Verdict.INFO;
      }
    } else {
      target = String.format(">= %,.0f/s", TARGET_SINGLE_PER_SECOND);
      verdict =
          rate >= TARGET_SINGLE_PER_SECOND
              ? ScenarioResult.Verdict.PASS
              : ScenarioResult.Verdict.FAIL;
    }
    if (r.failedRequests() > 0) verdict = ScenarioResult.Verdict.FAIL;
    return new ScenarioResult(
        name,
        batch
            ? "HTTP ingestion, " + perRequest + " events per POST /api/v1/events/batch"
            : "HTTP ingestion, POST /api/v1/events",
        headline,
        target,
        verdict,
        f,
        cores,
        Bench.bound(cores));
  }

  private static long seconds(long s) {
    return s * 1_000_000_000L;
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "…";
  }
}
