package dev.hookline.admin;

import dev.hookline.producer.DeliveryTaskWriter;
import dev.hookline.schemas.DeliveryTask;
import java.util.List;

/**
 * The seam behind test events, manual retries and recovery: puts delivery tasks onto {@code
 * hookline.deliveries}, in production through the {@link DeliveryTaskWriter} every writer of tasks
 * uses ({@link #writingTo}); tests put a fake here.
 */
@FunctionalInterface
public interface TaskPublishing {
  /** Publishes one task; returns normally only once Kafka acknowledged it. */
  void publish(DeliveryTask task) throws Exception;

  /**
   * Publishes several tasks (a recovery, up to 10,000); returns normally only once all were
   * acknowledged. The default sends them one by one.
   */
  default void publishAll(List<DeliveryTask> tasks) throws Exception {
    for (DeliveryTask task : tasks) publish(task);
  }

  /** Through the writer: a recovery sends all its tasks, then waits for their acknowledgements. */
  static TaskPublishing writingTo(DeliveryTaskWriter writer) {
    return new TaskPublishing() {
      @Override
      public void publish(DeliveryTask task) throws Exception {
        writer.write(task);
      }

      @Override
      public void publishAll(List<DeliveryTask> tasks) throws Exception {
        writer.writeAll(tasks);
      }
    };
  }

  /** A stand-in for when no producer is wired: every call fails, the API answers 503. */
  static TaskPublishing unavailable() {
    return task -> {
      throw new IllegalStateException("no delivery task publisher is configured");
    };
  }
}
