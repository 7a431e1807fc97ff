package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.testcontainers.DockerClientFactory;

class KafkaChoiceTest {
  @ParameterizedTest(name = "hookline.kafka={0}, Docker {1} -> {2}")
  @CsvSource(
      nullValues = "null",
      value = {
        "null,        false, IN_PROCESS",
        "null,        true,  IN_PROCESS",
        "'',          true,  IN_PROCESS",
        "in-process,  true,  IN_PROCESS",
        "container,   false, IN_PROCESS",
        "container,   true,  CONTAINER",
        "' container ', true, CONTAINER"
      })
  void propertyAndDockerDecideTheBroker(String property, boolean docker, KafkaChoice expected) {
    assertThat(KafkaChoice.decide(property, () -> docker).choice()).isEqualTo(expected);
  }

  @Test
  void dockerIsAskedAboutOnlyWhenAContainerIsWanted() {
    AtomicInteger asked = new AtomicInteger();
    KafkaChoice.decide(
        "in-process",
        () -> {
          asked.incrementAndGet();
          return true;
        });
    assertThat(asked).hasValue(0);
  }

  @Test
  void theFallbackSaysWhy() {
    assertThat(KafkaChoice.decide("container", () -> false).reason())
        .contains("no Docker engine is reachable");
  }

  @Test
  void anUnknownValueIsAClearError() {
    assertThatThrownBy(() -> KafkaChoice.decide("docker", () -> true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("-Dhookline.kafka must be 'container' or 'in-process', was 'docker'");
  }

  @Test
  void containerWithoutDockerFallsBackToTheInProcessBroker() {
    assumeFalse(
        DockerClientFactory.instance().isDockerAvailable(),
        "a Docker engine is reachable here: there is no fallback to see");
    String before = System.getProperty(KafkaChoice.PROPERTY);
    System.setProperty(KafkaChoice.PROPERTY, "container");
    try {
      KafkaChoice.Decision decision = TestInfra.decideNow();
      assertThat(decision.choice()).isEqualTo(KafkaChoice.IN_PROCESS);
      assertThat(decision.reason()).contains("no Docker engine");
    } finally {
      if (before == null) System.clearProperty(KafkaChoice.PROPERTY);
      else System.setProperty(KafkaChoice.PROPERTY, before);
    }
  }
}
