package dev.hookline.worker;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The worker's places for attempts in flight, shared fairly between tenants: while places are free,
 * anyone takes one (a tenant alone uses them all); when all are taken, waiting tasks queue per
 * tenant, and each freed place goes to the waiting tenant with the fewest attempts in flight (ties
 * in turn, round robin). So a tenant holding more than its share ({@code limit} divided by the
 * tenants in flight or waiting) gets no new place while another waits, and every waiting tenant
 * gets the next place once it has the fewest: no one starves. Tasks without a tenant count as one
 * tenant, {@code ""}.
 *
 * <p>Nothing is taken away from a running attempt: a tenant over its share comes down to it as its
 * attempts end.
 */
final class FairAdmission {
  /** One task's claim to a place: granted at once, or once a place comes its way. */
  final class Ticket {
    private final String tenant;
    private final Condition turn = lock.newCondition();
    private boolean granted;
    private boolean withdrawn;

    private Ticket(String tenant) {
      this.tenant = tenant;
    }

    /** Whether the place is this ticket's (then {@link #leave} it once). */
    boolean granted() {
      lock.lock();
      try {
        return granted;
      } finally {
        lock.unlock();
      }
    }

    /**
     * Waits for the place. Interrupted, the ticket leaves its queue (a place granted meanwhile is
     * passed on) and the interruption is thrown.
     */
    void await() throws InterruptedException {
      lock.lock();
      try {
        while (!granted) {
          try {
            turn.await();
          } catch (InterruptedException e) {
            withdraw();
            throw e;
          }
        }
      } finally {
        lock.unlock();
      }
    }

    /** Gives the place back (after the attempt). */
    void leave() {
      lock.lock();
      try {
        if (!granted) throw new IllegalStateException("ticket of " + tenant + " holds no place");
        granted = false;
        withdrawn = true;
        freePlace(tenant);
      } finally {
        lock.unlock();
      }
    }

    private void withdraw() {
      if (withdrawn) return;
      withdrawn = true;
      if (granted) {
        granted = false;
        freePlace(tenant);
        return;
      }
      ArrayDeque<Ticket> queue = waiting.get(tenant);
      queue.remove(this);
      if (queue.isEmpty()) waiting.remove(tenant);
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final int limit;
  private int taken;
  private final Map<String, Integer> running = new HashMap<>();

  /** Waiting tickets per tenant; the map's order is the round robin's. */
  private final LinkedHashMap<String, ArrayDeque<Ticket>> waiting = new LinkedHashMap<>();

  FairAdmission(int limit) {
    if (limit < 1) throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    this.limit = limit;
  }

  /** The tenant of a task, {@code ""} for none. */
  static String tenantOf(String tenant) {
    return tenant == null ? "" : tenant;
  }

  /** A claim to a place for {@code tenant}: granted now when a place is free. */
  Ticket enter(String tenant) {
    String t = tenantOf(tenant);
    lock.lock();
    try {
      Ticket ticket = new Ticket(t);
      if (taken < limit) {
        grant(ticket);
      } else {
        waiting.computeIfAbsent(t, k -> new ArrayDeque<>()).add(ticket);
      }
      return ticket;
    } finally {
      lock.unlock();
    }
  }

  /** Attempts of {@code tenant} holding a place now. */
  int inFlight(String tenant) {
    lock.lock();
    try {
      return running.getOrDefault(tenantOf(tenant), 0);
    } finally {
      lock.unlock();
    }
  }

  /** Tasks of {@code tenant} waiting for a place now. */
  int waiting(String tenant) {
    lock.lock();
    try {
      ArrayDeque<Ticket> queue = waiting.get(tenantOf(tenant));
      return queue == null ? 0 : queue.size();
    } finally {
      lock.unlock();
    }
  }

  private void grant(Ticket ticket) {
    ticket.granted = true;
    taken++;
    running.merge(ticket.tenant, 1, Integer::sum);
    ticket.turn.signal();
  }

  /** Under the lock: the place goes to the waiting tenant with the fewest in flight. */
  private void freePlace(String tenant) {
    taken--;
    running.computeIfPresent(tenant, (k, n) -> n == 1 ? null : n - 1);
    String next = null;
    int fewest = Integer.MAX_VALUE;
    for (String candidate : waiting.keySet()) { // in round robin order: the first of a tie wins
      int n = running.getOrDefault(candidate, 0);
      if (n < fewest) {
        fewest = n;
        next = candidate;
      }
    }
    if (next == null) return;
    ArrayDeque<Ticket> queue = waiting.remove(next);
    grant(queue.poll());
    if (!queue.isEmpty()) waiting.put(next, queue); // to the back of the round
  }
}
