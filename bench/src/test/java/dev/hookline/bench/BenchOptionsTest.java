package dev.hookline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  @Test
  void theDefaultsAreIssue8sFullRun() {
    BenchOptions o = BenchOptions.parse(new String[0], Path.of("/repo/bench/results"));
    assertThat(o.events()).isEqualTo(200_000);
    assertThat(o.webhooksPerEvent()).containsExactly(1, 3);
    assertThat(o.payloadBytes()).isEqualTo(1024);
    assertThat(o.scalingWorkers()).containsExactly(1, 2, 4);
    assertThat(o.duration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(o.warmUp()).isEqualTo(Duration.ofSeconds(120));
    assertThat(o.throughputWarmUpEvents()).isEqualTo(120_000);
    assertThat(o.fanoutWebhooks()).isEqualTo(10_000);
    assertThat(o.workerHeap()).isEqualTo("512m");
    assertThat(o.outDir()).isEqualTo(Path.of("/repo/bench/results"));
    assertThat(o.scenarios()).isEqualTo(BenchOptions.ALL);
  }

  @Test
  void quickIsSmallAndOptionsOverrideIt() {
    BenchOptions o =
        BenchOptions.parse(
            new String[] {"--quick", "--events=700", "--webhooks", "2,5", "--workers", "2"}, null);
    assertThat(o.quick()).isTrue();
    assertThat(o.events()).isEqualTo(700);
    assertThat(o.webhooksPerEvent()).containsExactly(2, 5);
    assertThat(o.workers()).isEqualTo(2);
    assertThat(o.duration()).isLessThan(Duration.ofSeconds(10));
    assertThat(o.warmUp()).isLessThan(o.duration());
    assertThat(o.scalingWorkers()).containsExactly(1, 2);
    assertThat(BenchOptions.parse(new String[] {"--warm-up", "0"}, null).warmUp()).isZero();
    assertThat(o.throughputWarmUpEvents()).isLessThan(o.events());
    assertThat(
            BenchOptions.parse(new String[] {"--throughput-warm-up", "0"}, null)
                .throughputWarmUpEvents())
        .isZero();
  }

  @Test
  void workerConsumerPropertiesAreKafkaSettingsPassedAsGiven() {
    assertThat(BenchOptions.defaults().workerConsumerProperties()).isEmpty();
    BenchOptions o =
        BenchOptions.parse(
            new String[] {
              "--worker-consumer-properties", "fetch.min.bytes=16384, fetch.max.wait.ms=10"
            },
            null);
    assertThat(o.workerConsumerProperties())
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of("fetch.min.bytes", "16384", "fetch.max.wait.ms", "10"));
    assertThat(o.asMap()).containsKey("workerConsumerProperties");
  }

  @Test
  void badWorkerConsumerPropertiesAreRefusedWithTheReason() {
    String name = "--worker-consumer-properties";
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {name, "fetch.min.bytes"}, null))
        .hasMessageContaining(name + " must list KEY=VALUE pairs");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {name, "=5"}, null))
        .hasMessageContaining(name + " must list KEY=VALUE pairs");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {name, "fetch.min.bytes="}, null))
        .hasMessageContaining(name + " must list KEY=VALUE pairs");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {name, "fetch.minimum=5"}, null))
        .hasMessageContaining("'fetch.minimum' is not a Kafka consumer setting");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {name, "fetch.min.bytes=lots"}, null))
        .hasMessageContaining(name)
        .hasMessageContaining("fetch.min.bytes");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {name, "fetch.max.wait.ms=-1"}, null))
        .hasMessageContaining(name)
        .hasMessageContaining("fetch.max.wait.ms");
  }

  @Test
  void scenariosRunInTheDocumentedOrderAndMemoryMeansThroughput() {
    BenchOptions o = BenchOptions.parse(new String[] {"--scenarios", "publish,memory,raw"}, null);
    assertThat(o.scenarios()).isEqualTo(List.of("throughput", "raw", "publish"));
  }

  @Test
  void badInputIsRefusedWithTheReason() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--events", "many"}, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--events must be a whole number");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--scenarios", "speed"}, null))
        .hasMessageContaining("unknown scenario 'speed'");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--colour", "red"}, null))
        .hasMessageContaining("unknown option --colour");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--events"}, null))
        .hasMessageContaining("--events needs a value");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--webhooks", "1,0"}, null))
        .hasMessageContaining("--webhooks must list whole numbers from 1");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--warm-up", "-1"}, null))
        .hasMessageContaining("--warm-up must be a whole number from 0 to 600, was '-1'");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--throughput-warm-up", "-5"}, null))
        .hasMessageContaining("--throughput-warm-up must be a whole number from 0");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--worker-heap", "lots"}, null))
        .hasMessageContaining("--worker-heap");
    assertThatThrownBy(
            () -> BenchOptions.parse(new String[] {"--ingest-batches", "100,1001"}, null))
        .hasMessageContaining("--ingest-batches must list whole numbers from 1 to 1000");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--ingest-connections", "0"}, null))
        .hasMessageContaining("--ingest-connections must be a whole number from 1");
  }

  @Test
  void theIngestScenarioIsSmallInTheQuickRun() {
    BenchOptions full = BenchOptions.parse(new String[] {}, null);
    BenchOptions quick = BenchOptions.parse(new String[] {"--quick"}, null);
    assertThat(full.scenarios()).endsWith("ingest");
    assertThat(full.ingestBatches()).isEqualTo(List.of(100, 1000));
    assertThat(full.ingestConnections()).isEqualTo(32);
    assertThat(quick.ingestEvents()).isLessThanOrEqualTo(2_000);
    assertThat(quick.ingestBatches()).isEqualTo(List.of(100));
  }
}
