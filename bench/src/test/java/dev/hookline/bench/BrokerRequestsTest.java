package dev.hookline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerRequestsTest {
  @Test
  void countsTheRequestsServedBetweenTwoSnapshotsPerDeliveryMostFrequentFirst() {
    Map<String, Long> before = Map.of("Produce", 100L, "ShareFetch", 50L, "Metadata", 7L);
    Map<String, Long> after =
        Map.of("Produce", 350L, "ShareFetch", 1_050L, "Metadata", 8L, "EndTxn", 20L);

    Map<String, Double> each = BrokerRequests.perDelivery(before, after, 1_000);

    // Metadata: 1 request in 1,000 deliveries rounds to 0.00 and is left out
    assertThat(each)
        .containsExactly(
            Map.entry("ShareFetch", 1.0), Map.entry("Produce", 0.25), Map.entry("EndTxn", 0.02));
    assertThat(BrokerRequests.total(before, after, 1_000)).isEqualTo(1.27);
  }

  @Test
  void noDeliveriesGiveNoFigureInsteadOfADivisionByZero() {
    assertThat(BrokerRequests.perDelivery(Map.of(), Map.of("Produce", 5L), 0)).isEmpty();
    assertThat(BrokerRequests.total(Map.of(), Map.of("Produce", 5L), 0)).isZero();
  }
}
