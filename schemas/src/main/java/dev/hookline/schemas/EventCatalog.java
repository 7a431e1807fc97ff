package dev.hookline.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The event catalog: every event type Hookline knows, loaded from the {@code catalog/*.json}
 * resources (one file per type). Immutable and thread-safe; load it once per process.
 */
public final class EventCatalog {
  static final String RESOURCE_DIR = "catalog";

  private final Map<String, EventType> types;

  private EventCatalog(Map<String, EventType> types) {
    this.types = Collections.unmodifiableMap(types);
  }

  /** Loads the catalog shipped on the classpath. */
  public static EventCatalog load() {
    Map<String, EventType> byName = new LinkedHashMap<>();
    for (String resource : listResources()) {
      EventType type = parse(resource);
      if (byName.putIfAbsent(type.name(), type) != null) {
        throw new IllegalStateException("duplicate event type name '" + type.name() + "' in " + resource);
      }
    }
    return new EventCatalog(byName);
  }

  public List<EventType> types() {
    return List.copyOf(types.values());
  }

  public Optional<EventType> find(String name) {
    return Optional.ofNullable(types.get(name));
  }

  public boolean contains(String name) {
    return types.containsKey(name);
  }

  /**
   * Validates event data against its type's schema.
   *
   * @return the violations, empty when the data is valid; an unknown type is one violation on
   *     field {@code type}
   */
  public List<FieldError> validate(String typeName, JsonNode data) {
    EventType type = types.get(typeName);
    if (type == null) {
      return List.of(new FieldError("type", "unknown event type '" + typeName + "'"));
    }
    if (data == null || !data.isObject()) {
      return List.of(new FieldError("data", "must be a JSON object"));
    }
    return List.of(); // schema validation: see issue 3
  }

  private static EventType parse(String resource) {
    try (InputStream in = EventCatalog.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing resource " + resource);
      JsonNode node = Json.MAPPER.readTree(in);
      return new EventType(
          text(node, "name", resource),
          text(node, "title", resource),
          text(node, "description", resource),
          text(node, "domain", resource),
          node.required("schema"),
          node.required("example"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read catalog entry " + resource, e);
    }
  }

  private static String text(JsonNode node, String field, String resource) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new IllegalStateException(resource + ": missing '" + field + "'");
    }
    return value.asText();
  }

  private static List<String> listResources() {
    URL dir = EventCatalog.class.getClassLoader().getResource(RESOURCE_DIR);
    if (dir == null) throw new IllegalStateException("no " + RESOURCE_DIR + "/ on the classpath");
    List<String> names = new ArrayList<>();
    try {
      if ("jar".equals(dir.getProtocol())) {
        JarURLConnection connection = (JarURLConnection) dir.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
          jar.stream()
              .map(e -> e.getName())
              .filter(n -> n.startsWith(RESOURCE_DIR + "/") && n.endsWith(".json"))
              .forEach(names::add);
        }
      } else {
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .forEach(n -> names.add(RESOURCE_DIR + "/" + n));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the event catalog", e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Collections.sort(names);
    return names;
  }
}
