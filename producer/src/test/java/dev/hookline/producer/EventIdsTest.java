package dev.hookline.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventIdsTest {
  @Test
  void idsAreUniqueAndWellFormed() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) ids.add(EventIds.next(1_764_338_591_000L));
    assertThat(ids)
        .hasSize(10_000)
        .allSatisfy(id -> assertThat(id).matches("evt_[0-9A-HJKMNP-TV-Z]{26}"));
  }

  @Test
  void idsSortByTime() {
    String earlier = EventIds.next(1_764_338_591_000L);
    String later = EventIds.next(1_764_338_591_001L);
    String muchLater = EventIds.next(2_764_338_591_000L);
    assertThat(earlier).isLessThan(later);
    assertThat(later).isLessThan(muchLater);
    assertThat(EventIds.next(0)).startsWith("evt_0000000000");
  }
}
