package dev.hookline.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.admin.AdminApi;
import dev.hookline.admin.AdminApiConfig;
import dev.hookline.admin.HealthReport;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Json;
import dev.hookline.store.Database;
import dev.hookline.store.DatabaseConfig;
import dev.hookline.store.SecretCipher;
import dev.hookline.store.TestPostgres;
import dev.hookline.store.TestWebhooks;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Creating, reading, rotating and re-encrypting webhook secrets, on the real admin API and a real
 * PostgreSQL, with every Hookline logger at TRACE and the libraries at INFO: no log event (message,
 * arguments, exception, stack) holds a signing secret, {@code whsec_}, the admin token or an
 * encryption key.
 */
class SecretsNeverLoggedTest {
  private static final String TOKEN = "token-" + UUID.randomUUID();
  private static final String OLD_KEY = SecretCipher.generateKey();
  private static final String NEW_KEY = SecretCipher.generateKey();
  private static final String JSON = "application/json";

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Logger hookline = (Logger) LoggerFactory.getLogger("dev.hookline");
  private Level rootLevel;
  private Level hooklineLevel;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void capture() {
    logs.start();
    root.addAppender(logs);
    rootLevel = root.getLevel();
    hooklineLevel = hookline.getLevel();
    // Hookline's own code at its most verbose; libraries at INFO, as shipped. (Jetty at DEBUG logs
    // every request header, the admin token included: docs/reliability.md says not to run it so.)
    root.setLevel(Level.INFO);
    hookline.setLevel(Level.TRACE);
  }

  @AfterEach
  void release() {
    root.detachAppender(logs);
    root.setLevel(rootLevel);
    hookline.setLevel(hooklineLevel);
    http.close();
  }

  @Test
  void noSecretReachesTheLog() throws Exception {
    List<String> secrets = new ArrayList<>();
    List<String> tenantSecrets = new ArrayList<>();
    DatabaseConfig database = TestPostgres.freshDatabase();
    UUID stranded;
    try (Database db = Database.open(database, SecretCipher.fromBase64Key(OLD_KEY));
        AdminApi api = api(db)) {
      for (int i = 0; i < 3; i++) {
        JsonNode created =
            call(
                api,
                "POST",
                "/webhooks",
                "{\"name\":\"Orders "
                    + i
                    + "\",\"url\":\"https://example.com/h"
                    + i
                    + "\",\"events\":[\"*\"]}",
                201);
        secrets.add(created.get("secret").asText());
      }
      String id = call(api, "GET", "/webhooks", null, 200).at("/data/0/id").asText();
      secrets.add(
          call(api, "POST", "/webhooks/" + id + "/rotate-secret", null, 200)
              .get("secret")
              .asText());
      call(api, "PATCH", "/webhooks/" + id, "{\"description\":\"rotated\"}", 200);
      call(api, "GET", "/webhooks/" + id, null, 200);
      // refused requests that carry a secret-looking value, and a wrong token
      call(
          api,
          "POST",
          "/webhooks",
          "{\"name\":\"x\",\"url\":\"https://e.com\",\"events\":[\"*\"],\"secret\":\"whsec_mine\"}",
          400);
      call(api, "POST", "/webhooks/" + id + "/rotate-secret", "{\"secret\":\"whsec_mine\"}", 400);
      assertThat(send(api, "GET", "/webhooks", null, "Bearer whsec_wrong").statusCode())
          .isEqualTo(401);
      // tenant tokens and portal codes: created, used, revoked, refused
      call(api, "POST", "/tenants", "{\"id\":\"acme\",\"name\":\"Acme\"}", 201);
      JsonNode tenantToken = call(api, "POST", "/tenants/acme/tokens", null, 201);
      tenantSecrets.add(tenantToken.get("token").asText());
      assertThat(send(api, "GET", "/webhooks", null, "Bearer " + tenantSecrets.get(0)).statusCode())
          .isEqualTo(200);
      String link = call(api, "POST", "/tenants/acme/portal-link", null, 201).get("url").asText();
      String code = link.substring(link.lastIndexOf('/') + 1);
      tenantSecrets.add(code);
      String body = "{\"code\":\"" + code + "\"}";
      JsonNode session = callAs(api, null, "POST", "/portal/sessions", body, 201);
      tenantSecrets.add(session.get("token").asText());
      callAs(api, null, "POST", "/portal/sessions", body, 400);
      call(api, "DELETE", "/tenants/acme/tokens/" + tenantToken.get("id").asText(), null, 204);
      assertThat(send(api, "GET", "/webhooks", null, "Bearer " + tenantSecrets.get(0)).statusCode())
          .isEqualTo(401);
      // what a worker reads to sign
      secrets.addAll(
          db.webhooks()
              .secrets(UUID.fromString(id))
              .orElseThrow()
              .activeAt(java.time.Instant.now()));
      // a row sealed by a key nobody has any more: its failure is logged, its content is not
      stranded =
          db.webhooks()
              .create(
                  TestWebhooks.newWebhook().name("Lost").url("https://e.com/l").events("*").build())
              .webhook()
              .id();
      try (Connection c = db.dataSource().getConnection();
          PreparedStatement ps =
              c.prepareStatement("update webhooks set secret_enc = ? where id = ?")) {
        ps.setBytes(
            1, SecretCipher.fromBase64Key(SecretCipher.generateKey()).encrypt("whsec_stranded"));
        ps.setObject(2, stranded);
        ps.executeUpdate();
      }
    }
    // key rotation: new key first, re-encrypt, old key dropped
    try (Database db =
        Database.open(database, SecretCipher.fromBase64Keys(NEW_KEY + "," + OLD_KEY))) {
      assertThat(db.reencryptSecrets()).isEqualTo(3);
    }
    try (Database db = Database.open(database, SecretCipher.fromBase64Key(NEW_KEY));
        AdminApi api = api(db)) {
      call(api, "GET", "/webhooks", null, 200);
      try {
        db.webhooks().secrets(stranded);
      } catch (IllegalStateException e) {
        LoggerFactory.getLogger(SecretsNeverLoggedTest.class).warn("as a caller would log it", e);
      }
    }

    assertThat(secrets).hasSize(6).allSatisfy(s -> assertThat(s).startsWith("whsec_"));
    List<String> forbidden = new ArrayList<>(secrets);
    forbidden.addAll(List.of("whsec_", TOKEN, OLD_KEY, NEW_KEY));
    assertThat(tenantSecrets).hasSize(3);
    forbidden.addAll(tenantSecrets);
    List<String> texts = logs.list.stream().map(SecretsNeverLoggedTest::everything).toList();
    // the capture works: the API, the re-encryption and the stranded row were all logged
    assertThat(texts)
        .anySatisfy(t -> assertThat(t).contains("admin API listening"))
        .anySatisfy(t -> assertThat(t).contains("re-encrypted with the current key"))
        .anySatisfy(t -> assertThat(t).contains("cannot be re-encrypted"))
        .anySatisfy(t -> assertThat(t).contains("as a caller would log it"));
    for (String text : texts) {
      for (String secret : forbidden) {
        assertThat(text).as("a log event holds a secret").doesNotContain(secret);
      }
    }
  }

  /**
   * The event as any appender could render it: message, raw arguments, MDC, exceptions with stacks.
   */
  private static String everything(ILoggingEvent e) {
    StringBuilder s =
        new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
    if (e.getArgumentArray() != null) {
      for (Object a : e.getArgumentArray()) s.append(' ').append(a);
    }
    s.append(' ').append(e.getMDCPropertyMap());
    for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
      s.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
      for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray())
        s.append(' ').append(frame);
    }
    return s.toString();
  }

  private AdminApi api(Database db) {
    return AdminApi.builder(AdminApiConfig.builder(List.of(TOKEN)).host("127.0.0.1").build())
        .webhooks(db.webhooks())
        .deliveries(db.deliveries())
        .tenants(db.tenants())
        .idempotencyKeys(db.idempotencyKeys())
        .catalog(EventCatalog.load())
        .metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
        .health(() -> HealthReport.up(Map.of()))
        .events((type, data, key, tenant) -> UUID.randomUUID().toString())
        .build()
        .start();
  }

  private JsonNode call(AdminApi api, String method, String path, String body, int expected) {
    return callAs(api, "Bearer " + TOKEN, method, path, body, expected);
  }

  private JsonNode callAs(
      AdminApi api, String authorization, String method, String path, String body, int expected) {
    HttpResponse<String> response = send(api, method, path, body, authorization);
    assertThat(response.statusCode())
        .as("%s %s: %s", method, path, response.body())
        .isEqualTo(expected);
    return response.body().isEmpty()
        ? null
        : Json.readTree(response.body().getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> send(
      AdminApi api, String method, String path, String body, String authorization) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/v1" + path))
            .timeout(Duration.ofSeconds(10))
            .headers(
                authorization == null
                    ? new String[] {"X-No-Token", "1"}
                    : new String[] {"Authorization", authorization})
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) request.header("Content-Type", JSON);
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
