package dev.hookline.router;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.RawData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;

/**
 * A delivery task's JSON, byte for byte what {@link Json#toBytes} writes for it (the wire form
 * every writer of tasks gives), written field by field on a generator. The router writes one per
 * matching webhook; through the mapper, finding the record's serializers and calling its accessors
 * by reflection cost more than writing the fields (issue 20: Json.toBytes was 18 % of the stream
 * thread, half of it around the data). TaskJsonTest holds the two forms equal.
 */
final class TaskJson {
  /** A task around 1 KB of data, the common size, fits without growing the buffer. */
  private static final int INITIAL_BYTES = 2048;

  private TaskJson() {}

  static byte[] bytes(DeliveryTask task) {
    ByteArrayBuilder out = new ByteArrayBuilder(INITIAL_BYTES);
    try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("deliveryId", task.deliveryId().toString());
      g.writeStringField("webhookId", task.webhookId().toString());
      g.writeNumberField("webhookVersion", task.webhookVersion());
      g.writeNumberField("attempt", task.attempt());
      g.writeStringField("trigger", task.trigger().wireName());
      g.writeFieldName("event");
      writeEvent(g, task.event());
      if (task.tenant() != null) g.writeStringField("tenant", task.tenant());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeEvent(JsonGenerator g, Event event) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", event.id());
    g.writeStringField("type", event.type());
    g.writeStringField("source", event.source());
    // the JavaTimeModule's InstantSerializer without timestamps: ISO_INSTANT
    g.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(event.time()));
    g.writeFieldName("data");
    if (!RawData.writeRaw(event.data(), g)) Json.MAPPER.writeTree(g, event.data());
    if (event.tenant() != null) g.writeStringField("tenant", event.tenant());
    g.writeEndObject();
  }
}
