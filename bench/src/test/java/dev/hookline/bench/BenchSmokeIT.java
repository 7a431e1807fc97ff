package dev.hookline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness works (not how fast): a tiny run on the real embedded stack, with the receiver and a
 * worker in JVMs of their own, delivers every event, finds every attempt in PostgreSQL, measures
 * the raw ceiling, and writes the JSON and Markdown results.
 */
class BenchSmokeIT {
  @TempDir Path out;

  @Test
  @Timeout(120)
  void aTinyRunDeliversRecordsAndWritesItsResults() throws Exception {
    BenchOptions tiny =
        BenchOptions.parse(
            new String[] {
              "--quick",
              "--scenarios",
              "throughput,raw",
              "--events",
              "500",
              "--webhooks",
              "2",
              "--max-in-flight",
              "50",
              "--worker-heap",
              "256m",
              "--out",
              out.toString()
            },
            null);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    Bench.Report report = Bench.run(tiny, new PrintStream(printed, true, StandardCharsets.UTF_8));

    Map<String, ScenarioResult> results = new java.util.HashMap<>();
    report.results().forEach(r -> results.put(r.name(), r));
    assertThat(results.keySet()).containsExactlyInAnyOrder("throughput-2", "memory", "raw");
    ScenarioResult throughput = results.get("throughput-2");
    assertThat(throughput.verdict())
        .as("%s", throughput)
        .isNotEqualTo(ScenarioResult.Verdict.ERROR);
    assertThat(throughput.figures())
        .containsEntry("deliveriesExpected", 1000L)
        .containsEntry("deliveriesReceived", 1000L)
        .containsEntry("deliveriesRecordedSucceeded", 1000L)
        .containsEntry("attemptsRecorded", 1000L)
        .containsEntry("publishFailures", 0L)
        // quick's unmeasured warm-up, 200 events to the same two webhooks, came first
        .containsEntry("warmUpDeliveriesReceived", 400L);
    assertThat((Long) throughput.figures().get("sustainedPerSecond")).isPositive();
    assertThat((Long) throughput.figures().get("machineCpuMicrosPerDelivery")).isPositive();
    assertThat(throughput.figures())
        .containsKeys(
            "jitAndGcMicrosPerDelivery (all JVMs, inside the parts)",
            "warmUpJitAndGcMicrosPerDelivery");
    // the in-process broker's own request meters: the tasks were fetched from a share group
    assertThat((Double) throughput.figures().get("brokerRequestsPerDelivery")).isPositive();
    @SuppressWarnings("unchecked")
    Map<String, Double> byKind =
        (Map<String, Double>) throughput.figures().get("brokerRequestsPerDeliveryByKind");
    assertThat(byKind).containsKeys("Produce", "ShareFetch");
    assertThat(throughput.headline()).contains("µs of machine CPU per delivery (workers ");
    assertThat(results.get("memory").figures().get("heapMaxMb")).isEqualTo(256L);
    ScenarioResult raw = results.get("raw");
    assertThat(raw.figures())
        .containsEntry("requests", 500L)
        .containsEntry("failures", 0L)
        .containsEntry("received", 500L);
    assertThat(raw.figures()).containsKey("ratioThroughputToRaw").doesNotContainKey("error");

    assertThat(report.files().json()).exists();
    assertThat(Files.readString(report.files().json()))
        .contains("\"throughput-2\"", "\"deliveriesReceived\" : 1000");
    String markdown = Files.readString(report.files().markdown());
    assertThat(markdown).contains("| Scenario |", "| throughput-2 |", "| raw |", "| memory |");
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("throughput-2", "raw", "results: ");
    assertThat(List.of(throughput.cpuCores().keySet().toArray()))
        .contains("workers", "receiver", "postgres");
  }
}
