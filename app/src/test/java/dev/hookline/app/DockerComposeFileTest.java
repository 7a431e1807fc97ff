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
 * docker-compose.yml, parsed (no Docker here), checked for the mistakes that break a deployment: a
 * missing service or a service running the wrong role, a variable Hookline does not know or a
 * required one missing (the names come from {@link Setting} itself), a worker that cannot scale, a
 * service without a health check, a role that starts before what it needs is healthy. Each check
 * has a test that breaks the file that way and sees it caught.
 */
class DockerComposeFileTest {
  private static final List<String> ROLES = List.of("admin-api", "router", "worker");

  /** The settings each role must be given (the Kubernetes manifests are held to them too). */
  static final Map<String, Set<Setting>> REQUIRED =
      Map.of(
          "admin-api",
          EnumSet.of(
              Setting.KAFKA_BOOTSTRAP_SERVERS,
              Setting.DB_URL,
              Setting.DB_USER,
              Setting.DB_PASSWORD,
              Setting.ADMIN_TOKEN,
              Setting.SECRET_KEY),
          "router",
          EnumSet.of(Setting.KAFKA_BOOTSTRAP_SERVERS),
          "worker",
          EnumSet.of(
              Setting.KAFKA_BOOTSTRAP_SERVERS,
              Setting.DB_URL,
              Setting.DB_USER,
              Setting.DB_PASSWORD,
              Setting.SECRET_KEY));

  /** What each role waits for, healthy: its stores, and admin-api, which creates the topics. */
  private static final Map<String, Set<String>> WAITS_FOR =
      Map.of(
          "admin-api", Set.of("kafka", "postgres"),
          "router", Set.of("kafka", "admin-api"),
          "worker", Set.of("kafka", "postgres", "admin-api"));

  private static final Pattern INTERPOLATED = Pattern.compile("\\$\\{(HOOKLINE_[A-Za-z0-9_]*)");

  @Test
  void theComposeFileHasNoProblems() {
    assertThat(problems(compose())).isEmpty();
  }

  @Test
  void aMissingServiceOrAWrongRoleIsCaught() {
    Map<String, Object> compose = compose();
    map(compose.get("services")).remove("postgres");
    assertThat(problems(compose)).containsExactly("no service postgres");

    compose = compose();
    service(compose, "router").put("command", List.of("routr"));
    assertThat(problems(compose)).anySatisfy(p -> assertThat(p).contains("routr"));
  }

  @Test
  void aVariableHooklineDoesNotKnowOrAMissingRequiredOneIsCaught() {
    Map<String, Object> compose = compose();
    env(service(compose, "worker")).put("HOOKLINE_WORKER_THREADS", "4");
    env(service(compose, "worker")).remove("HOOKLINE_SECRET_KEY");
    env(service(compose, "admin-api"))
        .put("HOOKLINE_TOPIC_PARTITIONS", "${HOOKLINE_PARTITIONS:-6}");
    assertThat(problems(compose))
        .anySatisfy(p -> assertThat(p).contains("HOOKLINE_WORKER_THREADS"))
        .anySatisfy(p -> assertThat(p).contains("worker").contains("HOOKLINE_SECRET_KEY"))
        .anySatisfy(p -> assertThat(p).contains("HOOKLINE_PARTITIONS"));
  }

  @Test
  void aWorkerThatCannotScaleOrAnApiWithoutItsPortIsCaught() {
    Map<String, Object> compose = compose();
    Map<String, Object> worker = service(compose, "worker");
    worker.put("ports", List.of("9090:8080"));
    worker.put("container_name", "hookline-worker");
    worker.put("deploy", Map.of("replicas", 1));
    service(compose, "admin-api").remove("ports");
    assertThat(problems(compose))
        .anySatisfy(p -> assertThat(p).contains("host port"))
        .anySatisfy(p -> assertThat(p).contains("container_name"))
        .anySatisfy(p -> assertThat(p).contains("replicas"))
        .anySatisfy(p -> assertThat(p).contains("admin-api").contains("publishes no host port"));
  }

  @Test
  void aRouterThatCannotScaleIsCaught() {
    Map<String, Object> compose = compose();
    Map<String, Object> router = service(compose, "router");
    router.put("volumes", List.of("router-data:/data"));
    env(router).put("HOOKLINE_ROUTER_INSTANCE_ID", "router-1");
    router.put("container_name", "hookline-router");
    assertThat(problems(compose))
        .anySatisfy(p -> assertThat(p).contains("router-data:/data").contains("shared"))
        .anySatisfy(p -> assertThat(p).contains("router-1").contains("same in every replica"))
        .anySatisfy(p -> assertThat(p).contains("router: has a container_name"));
  }

  @Test
  void aMissingHealthCheckAndAnUnorderedStartAreCaught() {
    Map<String, Object> compose = compose();
    service(compose, "postgres").remove("healthcheck");
    service(compose, "worker").put("healthcheck", Map.of("test", List.of("CMD", "true")));
    service(compose, "router").put("depends_on", List.of("kafka"));
    assertThat(problems(compose))
        .anySatisfy(p -> assertThat(p).contains("postgres").contains("healthcheck"))
        .anySatisfy(p -> assertThat(p).contains("worker").contains("/health"))
        .anySatisfy(p -> assertThat(p).contains("router").contains("service_healthy"));
  }

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
    services.forEach(
        (name, value) -> {
          Map<String, Object> service = map(value);
          if (map(service.get("healthcheck")).get("test") == null) {
            problems.add(name + ": no healthcheck");
          }
          env(service)
              .forEach(
                  (variable, setting) -> {
                    if (variable.startsWith("HOOKLINE_") && !known.contains(variable)) {
                      problems.add(name + ": " + variable + " is not a Hookline setting");
                    }
                    Matcher m = INTERPOLATED.matcher(String.valueOf(setting));
                    while (m.find()) {
                      if (!known.contains(m.group(1)))
                        problems.add(name + ": " + m.group(1) + " is not a Hookline setting");
                    }
                  });
        });
    for (String role : ROLES) checkRole(role, map(services.get(role)), problems);
    checkWorkerScales(map(services.get("worker")), problems);
    checkRouterScales(map(services.get("router")), problems);
    return problems;
  }

  private static void checkRole(String role, Map<String, Object> service, List<String> problems) {
    List<String> command = strings(service.get("command"));
    if (!command.equals(List.of(role))) {
      problems.add(role + ": command " + command + " does not run the role " + role);
    }
    Map<String, Object> env = env(service);
    for (Setting required : REQUIRED.get(role)) {
      if (String.valueOf(env.getOrDefault(required.variable(), "")).isBlank())
        problems.add(role + ": required " + required.variable() + " is not set");
    }
    Map<String, Object> dependsOn = dependsOn(service);
    for (String needed : WAITS_FOR.get(role)) {
      if (!"service_healthy".equals(map(dependsOn.get(needed)).get("condition"))) {
        problems.add(role + ": must wait for " + needed + " with condition service_healthy");
      }
    }
    String port =
        String.valueOf(
            env.getOrDefault(Setting.HTTP_PORT.variable(), Setting.HTTP_PORT.defaultValue()));
    if (!String.valueOf(map(service.get("healthcheck")).get("test"))
        .contains(":" + port + "/health")) {
      problems.add(role + ": the healthcheck does not ask /health on HOOKLINE_HTTP_PORT " + port);
    }
    if (role.equals("admin-api")
        && strings(service.get("ports")).stream().noneMatch(p -> p.endsWith(":" + port))) {
      problems.add(role + ": publishes no host port for HOOKLINE_HTTP_PORT " + port);
    }
  }

  private static void checkWorkerScales(Map<String, Object> worker, List<String> problems) {
    if (!(map(worker.get("deploy")).get("replicas") instanceof Integer n) || n < 2)
      problems.add("worker: deploy.replicas must be 2 or more");
    checkScalable("worker", worker, problems);
  }

  /**
   * {@code --scale router=N}: replicas must not share a state directory (a named volume) or one
   * static group instance id (the second would fence the first).
   */
  private static void checkRouterScales(Map<String, Object> router, List<String> problems) {
    checkScalable("router", router, problems);
    for (String volume : strings(router.get("volumes"))) {
      if (!volume.startsWith("/"))
        problems.add("router: volume " + volume + " is shared by every replica");
    }
    String id = String.valueOf(env(router).getOrDefault(Setting.ROUTER_INSTANCE_ID.variable(), ""));
    if (!id.isEmpty() && !id.contains(HooklineConfig.HOSTNAME))
      problems.add(
          "router: "
              + Setting.ROUTER_INSTANCE_ID.variable()
              + " "
              + id
              + " would be the same in every replica; put "
              + HooklineConfig.HOSTNAME
              + " in it");
  }

  private static void checkScalable(
      String role, Map<String, Object> service, List<String> problems) {
    if (service.get("ports") != null)
      problems.add(role + ": publishes a fixed host port, so it cannot scale");
    for (String key : List.of("container_name", "hostname")) {
      if (service.get(key) != null)
        problems.add(role + ": has a " + key + ", so replicas would clash");
    }
  }

  /** A fresh, mutable parse of the repository's docker-compose.yml (merge keys resolved). */
  private static Map<String, Object> compose() {
    Object parsed =
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(RepoFiles.read("docker-compose.yml"));
    assertThat(parsed).as("docker-compose.yml is a YAML mapping").isInstanceOf(Map.class);
    return deepCopy(map(parsed));
  }

  /** Mutable copies all the way down, so a test can change what the merge keys shared. */
  @SuppressWarnings("unchecked")
  static <T> T deepCopy(T value) {
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

  /** The service's environment, as the mapping the file uses (a list form counts as none). */
  private static Map<String, Object> env(Map<String, Object> service) {
    return map(service.get("environment"));
  }

  /** depends_on in its long form; the short (list) form means service_started. */
  private static Map<String, Object> dependsOn(Map<String, Object> service) {
    if (service.get("depends_on") instanceof List<?> list) {
      Map<String, Object> started = new LinkedHashMap<>();
      list.forEach(s -> started.put(String.valueOf(s), Map.of("condition", "service_started")));
      return started;
    }
    return map(service.get("depends_on"));
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
