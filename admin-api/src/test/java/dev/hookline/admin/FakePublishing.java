package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what {@code POST /events} published; can be told to fail. */
final class FakePublishing implements EventPublishing {
  record Published(String id, String type, JsonNode data, String key, String tenant) {}

  final List<Published> published = new CopyOnWriteArrayList<>();
  volatile Exception failure;

  @Override
  public String publish(String type, JsonNode data, String key, String tenant) throws Exception {
    if (failure != null) throw failure;
    String id = UUID.randomUUID().toString();
    published.add(new Published(id, type, data, key, tenant));
    return id;
  }
}
