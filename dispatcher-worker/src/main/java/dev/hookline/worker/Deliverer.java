package dev.hookline.worker;

import dev.hookline.schemas.Event;
import dev.hookline.store.SigningSecrets;
import dev.hookline.store.Webhook;

/** One HTTP attempt; {@link HttpDeliverer} in production, a fake in the batch tests. */
@FunctionalInterface
interface Deliverer {
  /** Never throws for anything the receiver does. */
  AttemptOutcome deliver(Webhook webhook, SigningSecrets secrets, Event event);
}
