package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class WorkerAssemblyTest {
  @Test
  void theShareConsumerWaitsBrieflyForLargerFetchesAndAcknowledgesExplicitly() {
    Properties props = WorkerAssembly.consumerProperties(WorkerConfig.defaults("kafka:9092", "w1"));

    assertThat(props)
        .containsEntry("share.acknowledgement.mode", "explicit")
        .containsEntry("max.poll.records", "50")
        .containsEntry("fetch.min.bytes", "65536")
        .containsEntry("fetch.max.wait.ms", "10");
  }

  @Test
  void theDeploymentsClientPropertiesWinOverOurs() {
    WorkerConfig config =
        WorkerConfig.builder("kafka:9092", "w1")
            .consumerProperties(Map.of("fetch.min.bytes", "1", "fetch.max.wait.ms", "500"))
            .build();

    assertThat(WorkerAssembly.consumerProperties(config))
        .containsEntry("fetch.min.bytes", "1")
        .containsEntry("fetch.max.wait.ms", "500");
  }
}
