package dev.hookline.app;

import java.util.function.BooleanSupplier;

/**
 * Which Kafka broker the integration tests run on: the in-process KRaft broker (the default, and
 * what this repository's CI runs), or an {@code apache/kafka} container with {@code
 * -Dhookline.kafka=container} when a Docker engine is reachable. The same test classes run on
 * either.
 */
enum KafkaChoice {
  IN_PROCESS,
  CONTAINER;

  /** The system property that asks for a broker. */
  static final String PROPERTY = "hookline.kafka";

  /** The choice and why, for the one log line. */
  record Decision(KafkaChoice choice, String reason) {}

  /**
   * Decides from the property's value and, only when a container is asked for, whether Docker is
   * there (the check takes a moment, so it is not made otherwise).
   *
   * @throws IllegalArgumentException for a value that is neither {@code container} nor {@code
   *     in-process}
   */
  static Decision decide(String property, BooleanSupplier dockerAvailable) {
    String value = property == null ? "" : property.trim();
    return switch (value) {
      case "", "in-process" ->
          new Decision(
              IN_PROCESS, "the default; -D" + PROPERTY + "=container uses a Docker container");
      case "container" ->
          dockerAvailable.getAsBoolean()
              ? new Decision(CONTAINER, "-D" + PROPERTY + "=container and Docker is reachable")
              : new Decision(
                  IN_PROCESS,
                  "-D"
                      + PROPERTY
                      + "=container asked for a container, but no Docker engine is"
                      + " reachable");
      default ->
          throw new IllegalArgumentException(
              "-D" + PROPERTY + " must be 'container' or 'in-process', was '" + value + "'");
    };
  }
}
