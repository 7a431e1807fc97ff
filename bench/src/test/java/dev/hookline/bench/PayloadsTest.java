package dev.hookline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.EventType;
import org.junit.jupiter.api.Test;

class PayloadsTest {
  private final EventCatalog catalog = EventCatalog.load();

  @Test
  void everyTypeGetsValidDataOfTheRequestedSize() {
    for (EventType type : catalog.types()) {
      for (int size : new int[] {1024, 4096}) {
        ObjectNode data = Payloads.of(catalog, type.name(), size);
        assertThat(catalog.validate(type.name(), data)).as(type.name()).isEmpty();
        assertThat(Payloads.size(data))
            .as(type.name() + " at " + size)
            .isBetween(size - 2, size + 2);
      }
    }
  }
}
