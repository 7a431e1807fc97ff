package dev.hookline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cores busy × 10⁶ ÷ deliveries per second, per part, the machine's and the stack's own. */
class CpuPerDeliveryTest {
  private static Map<String, Double> cores() {
    Map<String, Double> cores = new LinkedHashMap<>();
    cores.put("workers", 0.67);
    cores.put("postgres", 0.23);
    cores.put("other", 0.06);
    cores.put("machine", 1.96);
    return cores;
  }

  @Test
  void eachPartsCoresBecomeMicrosecondsPerDelivery() {
    Map<String, Long> micros = CpuPerDelivery.micros(cores(), 1_943);

    // 1.96 cores = 1,960,000 µs of CPU per second, over 1,943 deliveries
    assertThat(micros)
        .containsExactly(
            Map.entry("workers", 345L),
            Map.entry("postgres", 118L),
            Map.entry("other", 31L),
            Map.entry("machine", 1_009L),
            Map.entry("hookline", 978L));
    assertThat(CpuPerDelivery.machine(micros)).isEqualTo(1_009L);
    assertThat(CpuPerDelivery.phrase(micros))
        .isEqualTo("1,009 µs of machine CPU per delivery (workers 345)");
  }

  @Test
  void noDeliveriesOrNoMachineFigureGiveNoFigure() {
    assertThat(CpuPerDelivery.micros(cores(), 0)).isEmpty();
    assertThat(CpuPerDelivery.micros(cores(), Double.NaN)).isEmpty();
    assertThat(CpuPerDelivery.micros(Map.of("workers", 0.5), 1_000)).isEmpty();
    assertThat(CpuPerDelivery.machine(Map.of())).isEqualTo(-1L);
    assertThat(CpuPerDelivery.phrase(Map.of())).isEmpty();
  }

  @Test
  void otherPeoplesWorkIsLeftOutOfTheStacksOwnFigure() {
    Map<String, Double> busy = new LinkedHashMap<>();
    busy.put("workers", 0.5);
    busy.put("other", 0.9);
    busy.put("machine", 2.0);

    assertThat(CpuPerDelivery.micros(busy, 2_000))
        .containsEntry("machine", 1_000L)
        .containsEntry("hookline", 550L);
  }
}
