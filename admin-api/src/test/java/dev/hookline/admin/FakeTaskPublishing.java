package dev.hookline.admin;

import dev.hookline.schemas.DeliveryTask;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Records the delivery tasks published; can be told to fail, or to act as a worker on each task.
 */
final class FakeTaskPublishing implements TaskPublishing {
  final List<DeliveryTask> published = new CopyOnWriteArrayList<>();
  volatile Exception failure;
  volatile Consumer<DeliveryTask> worker = task -> {};

  @Override
  public void publish(DeliveryTask task) throws Exception {
    if (failure != null) throw failure;
    published.add(task);
    worker.accept(task);
  }
}
