package dev.hookline.admin;

import dev.hookline.schemas.DeliveryTask;
import java.util.List;

/**
 * The seam behind test events, manual retries and recovery: puts delivery tasks onto {@code
 * hookline.deliveries}. The {@code app} module implements it with a Kafka producer writing {@code
 * Json.toBytes(task)} to {@code Topics.DELIVERIES}, keyed by the webhook id.
 */
@FunctionalInterface
public interface TaskPublishing {
  /** Publishes one task; returns normally only once Kafka acknowledged it. */
  void publish(DeliveryTask task) throws Exception;

  /**
   * Publishes several tasks (a recovery, up to 10,000); returns normally only once all were
   * acknowledged. The default sends them one by one: a Kafka implementation should send them all,
   * then wait for every acknowledgement.
   */
  default void publishAll(List<DeliveryTask> tasks) throws Exception {
    for (DeliveryTask task : tasks) publish(task);
  }

  /** A stand-in for when no producer is wired: every call fails, the API answers 503. */
  static TaskPublishing unavailable() {
    return task -> {
      throw new IllegalStateException("no delivery task publisher is configured");
    };
  }
}
