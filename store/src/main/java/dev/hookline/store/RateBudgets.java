package dev.hookline.store;

import java.time.Duration;
import java.util.UUID;

/**
 * The delivery engine's view of the rate budgets of rate-limited webhooks, shared by all workers
 * (table {@code webhook_rate_budgets}): tokens leased in chunks, one round trip per chunk. An
 * unlimited webhook never calls this.
 */
public interface RateBudgets {
  /**
   * What a lease came to; times in milliseconds from now (the database's now).
   *
   * @param firstMs the time of the first token granted
   * @param granted tokens granted, one every {@code 1000 / limit} ms from {@code firstMs}
   * @param nextMs the time of the next token no one holds, after this lease
   * @param parked tasks that got a place in the parked queue instead, one every {@code 1000 /
   *     limit} ms from {@code parkMs}
   * @param parkMs the first of those places
   */
  record Lease(double firstMs, int granted, double nextMs, int parked, double parkMs) {}

  /**
   * Leases up to {@code want} tokens of the webhook's budget within {@code horizon}; what the
   * horizon cannot give is parked when the next free token is further than {@code parkAfter}.
   */
  Lease lease(UUID webhookId, int limit, int want, Duration horizon, Duration parkAfter);

  /** Pauses the webhook for every worker: no token is granted for {@code pause} from now. */
  void pause(UUID webhookId, Duration pause);
}
