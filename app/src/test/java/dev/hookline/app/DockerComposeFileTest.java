package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.app.deploy.RepoFiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml, parsed (no Docker here): every role gets the variables it needs and only
 * variables Hookline knows, the workers can scale, everything has a health check and starts in the
 * right order, and the Kafka and PostgreSQL services match what the roles are told. Same package as
 * {@link Setting}, so the list of variables comes from the code itself.
 */
class DockerComposeFileTest {
  /** Compose service name → the Hookline role it must run. */
  private static final Map<String, String> ROLE_SERVICES =
      Map.of("admin-api", "admin-api", "router", "router", "worker", "worker");

  private static final Set<String> ROLES = Set.of("admin-api", "router", "worker");
  private static final Map<String, Set<Setting>> REQUIRED =
      Map.of(
          "admin-api",
              EnumSet.of(
                  Setting.KAFKA_BOOTSTRAP_SERVERS,
                  Setting.DB_URL,
                  Setting.DB_USER,
                  Setting.DB_PASSWORD,
                  Setting.ADMIN_TOKEN,
                  Setting.SECRET_KEY),
          "router", EnumSet.of(Setting.KAFKA_BOOTSTRAP_SERVERS),
          "worker",
              EnumSet.of(
                  Setting.KAFKA_BOOTSTRAP_SERVERS,
                  Setting.DB_URL,
                  Setting.DB_USER,
                  Setting.DB_PASSWORD,
                  Setting.SECRET_KEY));

  /**
   * Services each role must wait for, healthy: its backing stores, and admin-api, which creates the
   * topics.
   */
  private static final Map<String, Set<String>> WAITS_FOR =
      Map.of(
          "admin-api", Set.of("kafka", "postgres"),
          "router", Set.of("kafka", "admin-api"),
          "worker", Set.of("kafka", "postgres", "admin-api"));

  /** One broker: these must be 1, or exactly_once_v2 and share groups never start. */
  private static final List<String> SINGLE_BROKER_SETTINGS =
      List.of(
          "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
          "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
          "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
          "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR",
          "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR");

  private static final Pattern INTERPOLATION =
      Pattern.compile("\\$\\{(HOOKLINE_[A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

  @Test
  void theComposeFileHasNoProblems() {
    assertThat(problems(compose())).isEmpty();
  }

  @Test
  void aVariableHooklineDoesNotKnowIsCaught() {
    Map<String, Object> compose = compose();
    liveEnv(service(compose, "worker")).put("HOOKLINE_WORKER_THREADS", "4");
    assertThat(problems(compose))
        .anySatisfy(p -> assertThat(p).contains("HOOKLINE_WORKER_THREADS"));
  }

  @Test
  void aMissingRequiredVariableIsCaught() {
    Map<String, Object> compose = compose();
    liveEnv(service(compose, "worker")).remove("HOOKLINE_SECRET_KEY");
    assertThat(problems(compose))
        .anySatisfy(p -> assertThat(p).contains("worker").contains("HOOKLINE_SECRET_KEY"));
  }

  @Test
  void aHardCodedSecretIsCaught() {
    Map<String, Object> compose = compose();
    liveEnv(service(compose, "admin-api")).put("HOOKLINE_ADMIN_TOKEN", "changeme");
    assertThat(problems(compose))
        .anySatisfy(p -> assertThat(p).contains("HOOKLINE_ADMIN_TOKEN").contains(":?"));
  }

  @Test
  void aWorkerThatCannotScaleIsCaught() {
    Map<String, Object> compose = compose();
    Map<String, Object> worker = service(compose, "worker");
    worker.put("ports", List.of("9090:8080"));
    worker.put("container_name", "hookline-worker");
    worker.put("deploy", Map.of("replicas", 1));
    assertThat(problems(compose))
        .anySatisfy(p -> assertThat(p).contains("host port"))
        .anySatisfy(p -> assertThat(p).contains("container_name"))
        .anySatisfy(p -> assertThat(p).contains("replicas"));
  }

  @Test
  void aMissingHealthCheckAndAnUnorderedStartAreCaught() {
    Map<String, Object> compose = compose();
    service(compose, "postgres").remove("healthcheck");
    service(compose, "router").put("depends_on", List.of("kafka"));
    assertThat(problems(compose))
        .anySatisfy(p -> assertThat(p).contains("postgres").contains("healthcheck"))
        .anySatisfy(p -> assertThat(p).contains("router").contains("service_healthy"));
  }

  @Test
  void aWrongRoleIsCaught() {
    Map<String, Object> compose = compose();
    service(compose, "router").put("command", List.of("routr"));
    assertThat(problems(compose)).anySatisfy(p -> assertThat(p).contains("routr"));
  }

  @Test
  void anInterpolationDefaultThatDisagreesWithTheCodeIsCaught() {
    Map<String, Object> compose = compose();
    liveEnv(service(compose, "worker"))
        .put("HOOKLINE_WORKER_CONCURRENCY", "${HOOKLINE_WORKER_CONCURRENCY:-100}");
    assertThat(problems(compose))
        .anySatisfy(p -> assertThat(p).contains("HOOKLINE_WORKER_CONCURRENCY").contains("200"));
  }

  @Test
  void aMismatchBetweenTheRolesAndKafkaOrPostgresIsCaught() {
    Map<String, Object> compose = compose();
    liveEnv(service(compose, "worker")).put("HOOKLINE_KAFKA_BOOTSTRAP_SERVERS", "broker:9092");
    liveEnv(service(compose, "admin-api")).put("HOOKLINE_DB_USER", "postgres");
    liveEnv(service(compose, "kafka"))
        .put("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "3");
    service(compose, "kafka").put("image", "apache/kafka:4.1.1");
    assertThat(problems(compose))
        .anySatisfy(p -> assertThat(p).contains("broker:9092"))
        .anySatisfy(p -> assertThat(p).contains("HOOKLINE_DB_USER"))
        .anySatisfy(
            p -> assertThat(p).contains("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR"))
        .anySatisfy(p -> assertThat(p).contains("4.2"));
  }

  // ---------------------------------------------------------------------------------------

  /** Everything wrong with a parsed compose file, one line each; empty when it is fine. */
  static List<String> problems(Map<String, Object> compose) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> services = map(compose.get("services"));
    for (String name : List.of("kafka", "postgres", "admin-api", "router", "worker")) {
      if (!services.containsKey(name)) problems.add("no service " + name);
    }
    if (!problems.isEmpty()) return problems;

    Set<String> known =
        Arrays.stream(Setting.values()).map(Setting::variable).collect(Collectors.toSet());
    for (var entry : services.entrySet()) {
      String name = entry.getKey();
      Map<String, Object> service = map(entry.getValue());
      checkHealthcheck(name, service, problems);
      for (var variable : env(service).entrySet()) {
        if (variable.getKey().startsWith("HOOKLINE_") && !known.contains(variable.getKey())) {
          problems.add(
              name + ": " + variable.getKey() + " is not a Hookline setting (Setting.java)");
        }
        checkInterpolations(name, variable.getKey(), variable.getValue(), known, problems);
      }
    }
    ROLE_SERVICES.forEach((name, role) -> checkRole(name, role, map(services.get(name)), problems));
    checkWorkerScales(map(services.get("worker")), problems);
    checkKafka(services, problems);
    checkPostgres(services, problems);
    checkVolumes(compose, services, problems);
    return problems;
  }

  private static void checkHealthcheck(
      String name, Map<String, Object> service, List<String> problems) {
    Map<String, Object> health = map(service.get("healthcheck"));
    Object test = health.get("test");
    if (health.isEmpty()
        || Boolean.TRUE.equals(health.get("disable"))
        || test == null
        || List.of("NONE").equals(test)
        || String.valueOf(test).isBlank()) {
      problems.add(name + ": no healthcheck");
    }
  }

  private static void checkInterpolations(
      String service, String variable, String value, Set<String> known, List<String> problems) {
    Matcher m = INTERPOLATION.matcher(value);
    while (m.find()) {
      String referenced = m.group(1);
      if (!known.contains(referenced)) {
        problems.add(
            service
                + ": "
                + variable
                + " interpolates "
                + referenced
                + ", which is not a Hookline setting");
        continue;
      }
      String operator = m.group(2);
      if (operator != null && operator.endsWith("-")) {
        String expected =
            Setting.valueOf(referenced.substring("HOOKLINE_".length())).defaultValue();
        if (!m.group(3).equals(expected)) {
          problems.add(
              service
                  + ": "
                  + variable
                  + " falls back to '"
                  + m.group(3)
                  + "' but the default of "
                  + referenced
                  + " is '"
                  + expected
                  + "'");
        }
      }
    }
  }

  private static void checkRole(
      String name, String role, Map<String, Object> service, List<String> problems) {
    List<String> command = strings(service.get("command"));
    if (command.isEmpty() || !ROLES.contains(command.getFirst())) {
      problems.add(name + ": command " + command + " does not name a role of " + ROLES);
    } else if (!command.getFirst().equals(role)) {
      problems.add(name + ": runs " + command.getFirst() + " instead of " + role);
    }
    if (!String.valueOf(service.get("image")).startsWith("hookline")
        && service.get("build") == null) {
      problems.add(name + ": neither builds nor uses the hookline image");
    }

    Map<String, String> env = env(service);
    for (Setting required : REQUIRED.get(role)) {
      String value = env.get(required.variable());
      if (value == null || value.isBlank())
        problems.add(name + ": required " + required.variable() + " is not set");
    }
    for (Setting secret : List.of(Setting.ADMIN_TOKEN, Setting.SECRET_KEY)) {
      String value = env.get(secret.variable());
      if (value != null && !value.matches("\\$\\{" + secret.variable() + ":\\?\\s*\\S.*}")) {
        problems.add(
            name
                + ": "
                + secret.variable()
                + " must come from ${"
                + secret.variable()
                + ":?message} so a missing secret stops `docker compose up` with that message, not '"
                + value
                + "'");
      }
    }

    Map<String, Object> dependsOn = dependsOn(service);
    for (String needed : WAITS_FOR.get(role)) {
      Object condition = map(dependsOn.get(needed)).get("condition");
      if (!"service_healthy".equals(condition)) {
        problems.add(
            name
                + ": must wait for "
                + needed
                + " with condition service_healthy, has "
                + dependsOn.get(needed));
      }
    }

    String port = env.getOrDefault(Setting.HTTP_PORT.variable(), Setting.HTTP_PORT.defaultValue());
    String healthTest = String.valueOf(map(service.get("healthcheck")).get("test"));
    if (!healthTest.contains(":" + port + "/health")) {
      problems.add(
          name
              + ": the healthcheck does not ask /health on HOOKLINE_HTTP_PORT "
              + port
              + ": "
              + healthTest);
    }
    if (name.equals("admin-api")
        && strings(service.get("ports")).stream().noneMatch(p -> p.endsWith(":" + port))) {
      problems.add(name + ": publishes no host port for HOOKLINE_HTTP_PORT " + port);
    }
  }

  private static void checkWorkerScales(Map<String, Object> worker, List<String> problems) {
    Object replicas = map(worker.get("deploy")).get("replicas");
    if (!(replicas instanceof Integer n) || n < 3)
      problems.add("worker: deploy.replicas must be 3 or more, is " + replicas);
    if (worker.get("ports") != null) {
      problems.add(
          "worker: publishes a fixed host port " + worker.get("ports") + ", so it cannot scale");
    }
    for (String key : List.of("container_name", "hostname")) {
      if (worker.get(key) != null)
        problems.add("worker: has a " + key + ", so replicas would clash");
    }
  }

  private static void checkKafka(Map<String, Object> services, List<String> problems) {
    Map<String, Object> kafka = map(services.get("kafka"));
    String image = String.valueOf(kafka.get("image"));
    Matcher version = Pattern.compile("apache/kafka:(\\d+)\\.(\\d+)\\..*").matcher(image);
    if (!version.matches()) {
      problems.add(
          "kafka: image " + image + " is not a pinned apache/kafka:<major>.<minor>.<patch>");
    } else {
      int major = Integer.parseInt(version.group(1));
      int minor = Integer.parseInt(version.group(2));
      if (major != 4 || minor < 2)
        problems.add("kafka: image " + image + " is older than 4.2, share groups need 4.2+");
    }
    Map<String, String> env = env(kafka);
    for (String setting : SINGLE_BROKER_SETTINGS) {
      if (!"1".equals(env.get(setting)))
        problems.add("kafka: " + setting + " must be 1 on one broker, is " + env.get(setting));
    }
    if (!String.valueOf(map(kafka.get("healthcheck")).get("test")).contains("share.version")) {
      problems.add(
          "kafka: the healthcheck does not check that share groups are enabled (share.version)");
    }
    Set<String> advertised =
        Arrays.stream(env.getOrDefault("KAFKA_ADVERTISED_LISTENERS", "").split(","))
            .map(l -> l.replaceFirst("^[A-Za-z_]+://", "").trim())
            .collect(Collectors.toSet());
    for (String name : ROLE_SERVICES.keySet()) {
      String bootstrap =
          env(map(services.get(name))).getOrDefault(Setting.KAFKA_BOOTSTRAP_SERVERS.variable(), "");
      for (String server : bootstrap.split(",")) {
        if (!server.isBlank() && !advertised.contains(server.trim())) {
          problems.add(
              name
                  + ": HOOKLINE_KAFKA_BOOTSTRAP_SERVERS "
                  + server
                  + " is not an advertised listener of kafka "
                  + advertised);
        }
      }
    }
  }

  private static void checkPostgres(Map<String, Object> services, List<String> problems) {
    Map<String, Object> postgres = map(services.get("postgres"));
    if (!String.valueOf(postgres.get("image")).startsWith("postgres:17")) {
      problems.add("postgres: image " + postgres.get("image") + " is not postgres:17");
    }
    if (!String.valueOf(map(postgres.get("healthcheck")).get("test")).contains("pg_isready")) {
      problems.add("postgres: the healthcheck does not use pg_isready");
    }
    Map<String, String> pg = env(postgres);
    Pattern url = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/([^?]+).*");
    for (String name : List.of("admin-api", "worker")) {
      Map<String, String> env = env(map(services.get(name)));
      Matcher m = url.matcher(env.getOrDefault(Setting.DB_URL.variable(), ""));
      if (!m.matches()
          || !m.group(1).equals("postgres")
          || !m.group(3).equals(pg.get("POSTGRES_DB"))) {
        problems.add(
            name
                + ": HOOKLINE_DB_URL "
                + env.get(Setting.DB_URL.variable())
                + " is not the database POSTGRES_DB="
                + pg.get("POSTGRES_DB")
                + " of the postgres service");
      }
      if (!String.valueOf(env.get(Setting.DB_USER.variable())).equals(pg.get("POSTGRES_USER"))) {
        problems.add(
            name + ": HOOKLINE_DB_USER differs from POSTGRES_USER of the postgres service");
      }
      if (!String.valueOf(env.get(Setting.DB_PASSWORD.variable()))
          .equals(pg.get("POSTGRES_PASSWORD"))) {
        problems.add(
            name + ": HOOKLINE_DB_PASSWORD differs from POSTGRES_PASSWORD of the postgres service");
      }
    }
  }

  private static void checkVolumes(
      Map<String, Object> compose, Map<String, Object> services, List<String> problems) {
    Set<String> declared = map(compose.get("volumes")).keySet();
    for (var entry : services.entrySet()) {
      for (String volume : strings(map(entry.getValue()).get("volumes"))) {
        String source = volume.split(":")[0];
        boolean named =
            !(source.startsWith(".") || source.startsWith("/") || source.startsWith("~"));
        if (named && !declared.contains(source)) {
          problems.add(
              entry.getKey()
                  + ": volume "
                  + source
                  + " is not declared under the top-level volumes");
        }
      }
    }
    for (String name : List.of("kafka", "postgres")) {
      if (strings(map(services.get(name)).get("volumes")).stream()
          .noneMatch(v -> declared.contains(v.split(":")[0]))) {
        problems.add(name + ": keeps its data in no named volume");
      }
    }
  }

  // ---------------------------------------------------------------------------------------

  /**
   * A fresh parse of the repository's docker-compose.yml (YAML merge keys resolved, as Compose
   * does).
   */
  private static Map<String, Object> compose() {
    Object parsed =
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(RepoFiles.read("docker-compose.yml"));
    assertThat(parsed).as("docker-compose.yml is a YAML mapping").isInstanceOf(Map.class);
    return deepCopy(map(parsed));
  }

  /** Mutable copies all the way down, so a test can change what the merge keys shared. */
  @SuppressWarnings("unchecked")
  private static <T> T deepCopy(T value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
      return (T) copy;
    }
    if (value instanceof List<?> l)
      return (T) new ArrayList<>(l.stream().map(DockerComposeFileTest::deepCopy).toList());
    return value;
  }

  private static Map<String, Object> service(Map<String, Object> compose, String name) {
    return map(map(compose.get("services")).get(name));
  }

  /** The service's environment, written as a mapping or as a list of KEY=VALUE, as strings. */
  private static Map<String, String> env(Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>();
    Object environment = service.get("environment");
    if (environment instanceof List<?> list) {
      for (Object item : list) {
        String s = String.valueOf(item);
        int eq = s.indexOf('=');
        env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
      }
    } else {
      map(environment).forEach((k, v) -> env.put(k, v == null ? "" : String.valueOf(v)));
    }
    return env;
  }

  /** The service's environment mapping itself, for the tests that break it on purpose. */
  private static Map<String, Object> liveEnv(Map<String, Object> service) {
    assertThat(service.get("environment"))
        .as("environment written as a mapping")
        .isInstanceOf(Map.class);
    return map(service.get("environment"));
  }

  /**
   * depends_on in its long form; the short (list) form means service_started, kept as an empty
   * condition.
   */
  private static Map<String, Object> dependsOn(Map<String, Object> service) {
    Object dependsOn = service.get("depends_on");
    if (dependsOn instanceof List<?> list) {
      Map<String, Object> started = new LinkedHashMap<>();
      list.forEach(s -> started.put(String.valueOf(s), Map.of("condition", "service_started")));
      return started;
    }
    return map(dependsOn);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
  }

  private static List<String> strings(Object value) {
    if (value instanceof List<?> list) return list.stream().map(String::valueOf).toList();
    if (value instanceof String s && !s.isBlank()) return List.of(s.trim().split("\\s+"));
    return List.of();
  }
}
