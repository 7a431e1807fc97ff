package dev.hookline.worker;

import dev.hookline.schemas.Event;
import dev.hookline.store.SigningSecrets;
import dev.hookline.store.Webhook;

/** One HTTP attempt; {@link HttpDeliverer} in production, a fake in the batch tests. */
@FunctionalInterface
interface Deliverer extends AutoCloseable {
  /**
   * Never throws for anything the receiver does.
   *
   * @param webhookId the {@code webhook-id} to send, {@link dev.hookline.schemas.EventIdentity}
   */
  AttemptOutcome deliver(Webhook webhook, SigningSecrets secrets, Event event, String webhookId);

  /** Releases connections and threads; nothing to release by default. */
  @Override
  default void close() {}
}
