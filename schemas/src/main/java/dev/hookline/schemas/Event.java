package dev.hookline.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One domain event as routed and delivered: CloudEvents attributes plus the event data.
 *
 * @param id the event id, unique within its source: an event's identity is ({@code source}, {@code
 *     id}), from which its delivery ids and {@code webhook-id} are derived ({@link EventIdentity})
 * @param type event type slug from the catalog, e.g. {@code payment_received}
 * @param source CloudEvents source URI reference of the producer
 * @param time when the event happened
 * @param data the event payload, a JSON object
 * @param tenant the tenant the event belongs to (CloudEvents extension {@code tenant}), or null for
 *     an event of the whole platform; left out of the JSON when null, so records without tenants
 *     read and write as before. Checked against {@link TenantIds} where events come in, not here: a
 *     wire record is read leniently
 */
public record Event(
    String id,
    String type,
    String source,
    Instant time,
    JsonNode data,
    @JsonInclude(JsonInclude.Include.NON_NULL) String tenant) {
  /**
   * The payload limit (docs/design.md, "Delivery"): bytes of the data JSON. Producers refuse larger
   * data, the router sends it to {@code hookline.invalid-events}, the admin API answers 413.
   */
  public static final int MAX_DATA_BYTES = 256 * 1024;

  public Event {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(data, "data");
  }
}
