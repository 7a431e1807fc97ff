package dev.hookline.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.path.NodePath;
import com.networknt.schema.path.PathType;
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

  /**
   * Prefix of every field path in a {@link FieldError}: the payload is the event's {@code data}.
   */
  static final String DATA = "data";

  /** Every catalog schema is draft 2020-12; the validator ships this meta-schema, so no fetch. */
  private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";

  private final Map<String, EventType> types;
  private final Map<String, Schema> schemas;

  private EventCatalog(Map<String, EventType> types, Map<String, Schema> schemas) {
    this.types = Collections.unmodifiableMap(types);
    this.schemas = Map.copyOf(schemas);
  }

  /** Loads the catalog shipped on the classpath. */
  public static EventCatalog load() {
    List<String> resources = listResources();
    List<EventType> parsed = new ArrayList<>(resources.size());
    for (String resource : resources) parsed.add(parse(resource));
    return build(parsed, resources);
  }

  /**
   * A catalog of the given types instead of the shipped ones, e.g. for tests that need their own
   * event types. Same checks as {@link #load()}: unique names, schemas that compile.
   */
  public static EventCatalog of(List<EventType> types) {
    return build(types, types.stream().map(t -> "event type '" + t.name() + "'").toList());
  }

  private static EventCatalog build(List<EventType> types, List<String> origins) {
    Map<String, EventType> byName = new LinkedHashMap<>();
    Map<String, Schema> schemas = new LinkedHashMap<>();
    SchemaRegistry registry = newRegistry();
    Schema metaSchema = registry.getSchema(SchemaLocation.of(META_SCHEMA));
    for (int i = 0; i < types.size(); i++) {
      EventType type = types.get(i);
      String origin = origins.get(i);
      if (byName.putIfAbsent(type.name(), type) != null) {
        throw new IllegalStateException(
            "duplicate event type name '" + type.name() + "' in " + origin);
      }
      schemas.put(type.name(), compile(registry, metaSchema, type, origin));
    }
    return new EventCatalog(byName, schemas);
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
   * @return the violations, empty when the data is valid; an unknown type is one violation on field
   *     {@code type}
   */
  public List<FieldError> validate(String typeName, JsonNode data) {
    EventType type = types.get(typeName);
    if (type == null) {
      return List.of(new FieldError("type", "unknown event type '" + typeName + "'"));
    }
    if (data == null || !data.isObject()) {
      return List.of(new FieldError(DATA, "must be a JSON object"));
    }
    List<Error> errors = schemas.get(typeName).validate(data);
    if (errors.isEmpty()) return List.of();
    List<FieldError> result = new ArrayList<>(errors.size());
    for (Error error : errors) {
      result.add(new FieldError(fieldOf(error), error.getMessage()));
    }
    return List.copyOf(result);
  }

  /**
   * One registry for the whole catalog. Format assertions are on: in draft 2020-12 {@code format}
   * is only an annotation by default, and a catalog that says {@code email} should reject a
   * non-email. Schemas are compiled from the catalog's own JSON; nothing is fetched remotely.
   */
  private static SchemaRegistry newRegistry() {
    return SchemaRegistry.withDefaultDialect(
        dialect(), builder -> builder.schemaRegistryConfig(registryConfig()));
  }

  /** Format assertions on, error locations as JSON pointers ({@link #fieldOf}). */
  static SchemaRegistryConfig registryConfig() {
    return SchemaRegistryConfig.builder()
        .formatAssertionsEnabled(true)
        .pathType(PathType.JSON_POINTER)
        .build();
  }

  /**
   * Draft 2020-12 with the {@code uri} and {@code email} formats behind a fast path that only
   * accepts strings networknt's own formats accept, and asks them everything else ({@link
   * ShapeCheckedFormats}).
   */
  static Dialect dialect() {
    return Dialect.builder(Dialects.getDraft202012()).formats(ShapeCheckedFormats.all()).build();
  }

  private static Schema compile(
      SchemaRegistry registry, Schema metaSchema, EventType type, String resource) {
    // the validator compiles nonsense like {"type": 42} without complaint; the meta-schema does not
    List<Error> schemaErrors = metaSchema.validate(type.schema());
    if (!schemaErrors.isEmpty()) {
      throw new IllegalStateException(resource + ": invalid JSON Schema: " + schemaErrors);
    }
    try {
      Schema schema = registry.getSchema(type.schema());
      schema.initializeValidators(); // resolve everything now, not on the first event
      return schema;
    } catch (SchemaException e) {
      throw new IllegalStateException(resource + ": invalid JSON Schema: " + e.getMessage(), e);
    }
  }

  /**
   * The field an error is about, as {@code data.a.b} (array items as {@code data.a[0]}). A {@code
   * required} error sits on the object that lacks the property, so the property is appended.
   */
  static String fieldOf(Error error) {
    StringBuilder field = new StringBuilder(DATA);
    NodePath location = error.getInstanceLocation();
    if (location != null) {
      for (int i = 0; i < location.getNameCount(); i++) {
        appendSegment(field, location.getElement(i));
      }
    }
    if ("required".equals(error.getKeyword()) && error.getProperty() != null) {
      appendSegment(field, error.getProperty());
    }
    return field.toString();
  }

  private static void appendSegment(StringBuilder field, Object segment) {
    if (segment instanceof Integer index) {
      field.append('[').append(index).append(']');
    } else {
      field.append('.').append(segment);
    }
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
