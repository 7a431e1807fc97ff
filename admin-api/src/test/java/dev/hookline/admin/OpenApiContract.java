package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.path.PathType;
import dev.hookline.schemas.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OpenAPI document of the admin API, as a test oracle: checks that a response's status is
 * documented for its operation, that its content type is one of the documented ones, and that its
 * body validates against the documented schema ({@code $ref}s into {@code components} resolved by
 * the validator, which loads the whole document).
 */
final class OpenApiContract {
  private static final String IRI = "https://hookline.dev/openapi.json";
  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

  final JsonNode document;
  private final SchemaRegistry registry;
  private final Set<String> seen = new TreeSet<>();

  OpenApiContract() {
    try (InputStream in =
        OpenApiContract.class.getClassLoader().getResourceAsStream(AdminApi.OPENAPI_RESOURCE)) {
      document = new YAMLMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SchemaRegistryConfig config =
        SchemaRegistryConfig.builder()
            .formatAssertionsEnabled(true)
            .pathType(PathType.JSON_POINTER)
            .build();
    registry =
        SchemaRegistry.withDialect(
            Dialects.getOpenApi31(),
            builder ->
                builder.schemas(Map.of(IRI, Json.toString(document))).schemaRegistryConfig(config));
  }

  /** Every documented (operation, status), as {@code "GET /api/v1/webhooks 200"}. */
  Set<String> documentedResponses() {
    Set<String> all = new TreeSet<>();
    for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
        if (!METHODS.contains(operation.getKey())) continue;
        for (Map.Entry<String, JsonNode> response :
            operation.getValue().get("responses").properties()) {
          all.add(
              operation.getKey().toUpperCase(Locale.ROOT)
                  + " "
                  + path.getKey()
                  + " "
                  + response.getKey());
        }
      }
    }
    return all;
  }

  /** Every documented operation, as {@code "GET /api/v1/webhooks"}; secured ones when asked. */
  List<String> operations(boolean securedOnly) {
    List<String> all = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
        if (!METHODS.contains(operation.getKey())) continue;
        JsonNode security = operation.getValue().get("security");
        if (securedOnly && security != null && security.isEmpty()) continue;
        all.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
      }
    }
    return all;
  }

  Set<String> seen() {
    return Set.copyOf(seen);
  }

  /** Checks one response of the operation {@code method template} against the document. */
  void check(String method, String template, ApiFixture.Response response) {
    String where = method + " " + template + " " + response.status();
    seen.add(where);
    String operationPointer = "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT);
    assertThat(document.at(operationPointer).isMissingNode())
        .as("%s: operation not documented", where)
        .isFalse();
    String responsePointer = operationPointer + "/responses/" + response.status();
    JsonNode documented = document.at(responsePointer);
    assertThat(documented.isMissingNode())
        .as("%s: status not documented; body %s", where, response.body())
        .isFalse();
    if (documented.has("$ref")) {
      responsePointer = documented.get("$ref").asText().substring(1);
      documented = document.at(responsePointer);
    }
    JsonNode content = documented.get("content");
    if (content == null) {
      assertThat(response.body()).as("%s: no body documented", where).isEmpty();
      return;
    }
    assertThat(response.contentType()).as("%s: content type", where).isNotNull();
    String mediaType = response.contentType().split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    assertThat(content.has(mediaType))
        .as("%s: content type %s not documented", where, mediaType)
        .isTrue();
    if (!mediaType.endsWith("json")) return;
    String schemaPointer = responsePointer + "/content/" + escape(mediaType) + "/schema";
    Schema schema = registry.getSchema(SchemaLocation.of(IRI + "#" + schemaPointer));
    List<Error> errors =
        schema.validate(Json.readTree(response.body().getBytes(StandardCharsets.UTF_8)));
    assertThat(errors)
        .as("%s: body %s does not match %s", where, response.body(), schemaPointer)
        .isEmpty();
  }

  /** JSON Pointer escaping of one reference token. */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
