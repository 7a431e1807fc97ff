package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class FairAdmissionTest {
  private static final int LIMIT = 4;

  private final FairAdmission admission = new FairAdmission(LIMIT);

  @Test
  void aTenantAloneUsesTheWholeLimit() {
    List<FairAdmission.Ticket> a = enter("A", 1_000);
    assertThat(a.stream().filter(FairAdmission.Ticket::granted)).hasSize(LIMIT);
    assertThat(admission.waiting("A")).isEqualTo(1_000 - LIMIT);
    // as its attempts end, its own queue takes every freed place
    for (int i = 0; i < 100; i++) {
      leaveOne(a);
      assertThat(admission.inFlight("A")).isEqualTo(LIMIT);
    }
  }

  @Test
  void aTenantArrivingBehindABacklogGetsTheNextPlace() {
    Deque<FairAdmission.Ticket> a = new ArrayDeque<>(enter("A", 1_000));
    FairAdmission.Ticket b = admission.enter("B");
    assertThat(b.granted()).isFalse(); // no attempt is taken away

    leaveOne(a);

    assertThat(b.granted()).as("B goes before A's 996 queued tasks").isTrue();
    assertThat(admission.waiting("A")).isEqualTo(1_000 - LIMIT);
  }

  @Test
  void twoBackloggedTenantsConvergeToHalfTheLimitEach() {
    Deque<FairAdmission.Ticket> a = new ArrayDeque<>(enter("A", 1_000));
    Deque<FairAdmission.Ticket> b = new ArrayDeque<>(enter("B", 1_000));
    for (int i = 0; i < 200; i++) {
      leaveOne(
          i >= LIMIT && i % 3 == 0
              ? b
              : a); // A's attempts end twice as often: A still gets no more
      if (i >= LIMIT) {
        assertThat(admission.inFlight("A")).isEqualTo(LIMIT / 2);
        assertThat(admission.inFlight("B")).isEqualTo(LIMIT / 2);
      }
    }
  }

  @Test
  void everyWaitingTenantIsServedInTurn() {
    Deque<FairAdmission.Ticket> a = new ArrayDeque<>(enter("A", 100));
    List<String> tenants = java.util.Arrays.asList("B", "C", "D", "E", "F", "G", null);
    List<FairAdmission.Ticket> others = new ArrayList<>();
    // tasks without a tenant (null) are one more tenant
    for (String t : tenants) others.add(admission.enter(t));
    int aGranted = 0;
    while (tenants.stream().anyMatch(t -> admission.waiting(t) > 0)) {
      int before = admission.inFlight("A");
      boolean fromA = before > 0;
      leaveOne(fromA ? a : others);
      if (admission.inFlight("A") > before - (fromA ? 1 : 0)) aGranted++;
    }
    // seven tenants of one task each, A with 96 queued: A gets a place only when it has the
    // fewest in flight: once, in its turn, while the seven were served
    assertThat(aGranted).isEqualTo(1);
    assertThat(admission.inFlight("")).isEqualTo(1);
  }

  @Test
  void noTenantStarves() {
    Deque<FairAdmission.Ticket> a = new ArrayDeque<>(enter("A", 10_000));
    FairAdmission.Ticket last = null;
    List<FairAdmission.Ticket> small = new ArrayList<>();
    for (int i = 0; i < 50; i++) small.add(last = admission.enter("t" + i));
    int released = 0;
    while (!last.granted()) {
      FairAdmission.Ticket done =
          a.stream().filter(FairAdmission.Ticket::granted).findFirst().orElse(null);
      if (done != null) {
        a.remove(done);
        done.leave();
      } else {
        FairAdmission.Ticket s =
            small.stream().filter(FairAdmission.Ticket::granted).findFirst().orElseThrow();
        small.remove(s);
        s.leave();
      }
      released++;
    }
    assertThat(released).as("places freed before the 50th small tenant ran").isLessThan(60);
  }

  @Test
  void aWaiterInterruptedLeavesItsQueueAndAGrantedPlaceIsPassedOn() throws Exception {
    List<FairAdmission.Ticket> a = enter("A", LIMIT);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      FairAdmission.Ticket b = admission.enter("B");
      Future<?> waiter =
          threads.submit(
              () -> {
                b.await();
                return null;
              });
      await().atMost(Duration.ofSeconds(10)).until(() -> admission.waiting("B") == 1);
      waiter.cancel(true);
      await().atMost(Duration.ofSeconds(10)).until(() -> admission.waiting("B") == 0);
      FairAdmission.Ticket c = admission.enter("C");
      a.getFirst().leave();
      assertThat(c.granted()).isTrue();
      assertThat(admission.inFlight("B")).isZero();
    }
  }

  @Test
  void aPlaceIsLeftOnlyOnce() {
    FairAdmission.Ticket t = admission.enter("A");
    t.leave();
    assertThatThrownBy(t::leave).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new FairAdmission(0)).isInstanceOf(IllegalArgumentException.class);
  }

  private List<FairAdmission.Ticket> enter(String tenant, int n) {
    List<FairAdmission.Ticket> tickets = new ArrayList<>();
    for (int i = 0; i < n; i++) tickets.add(admission.enter(tenant));
    return tickets;
  }

  /** Ends one running attempt of the given tickets. */
  private static void leaveOne(java.util.Collection<FairAdmission.Ticket> tickets) {
    FairAdmission.Ticket running =
        tickets.stream().filter(FairAdmission.Ticket::granted).findFirst().orElseThrow();
    tickets.remove(running);
    running.leave();
  }
}
