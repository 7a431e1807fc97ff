package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.app.deploy.RepoFiles;
import dev.hookline.schemas.Topics;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * deploy/kubernetes, rendered by {@code kubectl kustomize} (no cluster here: render and check),
 * held to what the code expects: each role runs its command with every required {@code HOOKLINE_*}
 * variable and no unknown one (names from {@link Setting}), secrets come from a Secret, the
 * container port is {@code HOOKLINE_HTTP_PORT} and the probes ask {@code /health} on it, every role
 * has resource requests and a PodDisruptionBudget, the router keeps its state on a volume per
 * replica under an instance id of its own, and the workers scale on the lag metric they export.
 * Each kind of check has a test that breaks the manifests that way and sees it caught.
 */
class KubernetesManifestsTest {
  private static final String BASE = "deploy/kubernetes";

  /** The role, its workload's kind and name. */
  private record Role(String name, String kind, String workload) {}

  private static final List<Role> ROLES =
      List.of(
          new Role("admin-api", "Deployment", "hookline-admin-api"),
          new Role("router", "StatefulSet", "hookline-router"),
          new Role("worker", "Deployment", "hookline-worker"));

  /** Never a literal value in a manifest. */
  private static final Set<Setting> SECRETS =
      Set.of(Setting.ADMIN_TOKEN, Setting.SECRET_KEY, Setting.DB_PASSWORD);

  private static final String LAG_METRIC = ShareGroupLag.METRIC.replace('.', '_');

  private static String rendered;

  @BeforeAll
  static void render() throws IOException, InterruptedException {
    Assumptions.assumeTrue(
        onPath("kubectl"),
        "kubectl is not on the PATH: deploy/kubernetes was NOT rendered or checked; install kubectl"
            + " (1.27 or later, it embeds kustomize) to run KubernetesManifestsTest");
    Path out = Files.createTempFile("hookline-kustomize", ".yaml");
    try {
      Process kubectl =
          new ProcessBuilder("kubectl", "kustomize", RepoFiles.root().resolve(BASE).toString())
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.PIPE)
              .start();
      String errors = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
      assertThat(kubectl.exitValue()).as("kubectl kustomize " + BASE + ": " + errors).isZero();
      rendered = Files.readString(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  @Test
  void theManifestsHaveNoProblems() {
    assertThat(problems(documents())).isEmpty();
  }

  @Test
  void aWrongCommandPortOrProbeIsCaught() {
    assertThat(
            problemsAfter(
                d -> container(workload(d, "hookline-admin-api")).put("args", List.of("up"))))
        .anySatisfy(p -> assertThat(p).contains("admin-api").contains("[up]"));
    assertThat(
            problemsAfter(
                d ->
                    list(container(workload(d, "hookline-worker")).get("ports"))
                        .forEach(p -> map(p).put("containerPort", 9090))))
        .anySatisfy(p -> assertThat(p).contains("worker").contains("HOOKLINE_HTTP_PORT 8080"));
    assertThat(
            problemsAfter(
                d -> {
                  Map<String, Object> c = container(workload(d, "hookline-router"));
                  map(map(c.get("readinessProbe")).get("httpGet")).put("path", "/healthz");
                  c.remove("livenessProbe");
                }))
        .anySatisfy(p -> assertThat(p).contains("router").contains("readinessProbe"))
        .anySatisfy(p -> assertThat(p).contains("router").contains("livenessProbe"));
  }

  @Test
  void anUnknownVariableAMissingOneOrAPlainSecretIsCaught() {
    assertThat(
            problemsAfter(
                d -> {
                  List<Object> env = list(container(workload(d, "hookline-worker")).get("env"));
                  env.add(
                      new LinkedHashMap<>(Map.of("name", "HOOKLINE_WORKER_THREADS", "value", "4")));
                  env.removeIf(e -> "HOOKLINE_SECRET_KEY".equals(map(e).get("name")));
                  setLiteral(workload(d, "hookline-admin-api"), "HOOKLINE_ADMIN_TOKEN", "token");
                  configMap(d).put("HOOKLINE_PARTITIONS", "6");
                }))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("HOOKLINE_WORKER_THREADS")
                    .contains("not a Hookline setting"))
        .anySatisfy(p -> assertThat(p).contains("worker").contains("required HOOKLINE_SECRET_KEY"))
        .anySatisfy(p -> assertThat(p).contains("HOOKLINE_ADMIN_TOKEN").contains("Secret"))
        .anySatisfy(p -> assertThat(p).contains("HOOKLINE_PARTITIONS"));
  }

  @Test
  void aRouterSharingStateOrAnInstanceIdIsCaught() {
    assertThat(
            problemsAfter(
                d -> {
                  Map<String, Object> router = workload(d, "hookline-router");
                  map(router.get("spec")).remove("volumeClaimTemplates");
                  setLiteral(router, "HOOKLINE_ROUTER_INSTANCE_ID", "router-1");
                }))
        .anySatisfy(p -> assertThat(p).contains("router").contains("volume per replica"))
        .anySatisfy(p -> assertThat(p).contains("router").contains("pod name"));
  }

  @Test
  void noRequestsNoDisruptionBudgetOrAScalerOnAnotherMetricIsCaught() {
    assertThat(
            problemsAfter(
                d -> {
                  container(workload(d, "hookline-worker")).remove("resources");
                  d.removeIf(
                      o ->
                          "PodDisruptionBudget".equals(o.get("kind"))
                              && "hookline-router".equals(name(o)));
                  d.stream()
                      .filter(o -> "ScaledObject".equals(o.get("kind")))
                      .forEach(
                          o ->
                              list(map(o.get("spec")).get("triggers"))
                                  .forEach(
                                      t ->
                                          map(map(t).get("metadata"))
                                              .put("query", "max(kafka_lag)")));
                }))
        .anySatisfy(p -> assertThat(p).contains("worker").contains("resources"))
        .anySatisfy(p -> assertThat(p).contains("router").contains("PodDisruptionBudget"))
        .anySatisfy(p -> assertThat(p).contains("ScaledObject").contains(LAG_METRIC));
  }

  // ---------------------------------------------------------------------------------------

  /** Everything wrong with the rendered objects, one line each; empty when they are fine. */
  static List<String> problems(List<Map<String, Object>> docs) {
    List<String> problems = new ArrayList<>();
    Set<String> known =
        Arrays.stream(Setting.values()).map(Setting::variable).collect(Collectors.toSet());
    for (Map<String, Object> doc : docs) {
      if (!"ConfigMap".equals(doc.get("kind"))) continue;
      for (String key : map(doc.get("data")).keySet())
        if (key.startsWith("HOOKLINE_") && !known.contains(key))
          problems.add("ConfigMap " + name(doc) + ": " + key + " is not a Hookline setting");
    }
    for (Role role : ROLES) {
      Map<String, Object> workload =
          docs.stream()
              .filter(d -> role.kind().equals(d.get("kind")) && role.workload().equals(name(d)))
              .findFirst()
              .orElse(null);
      if (workload == null) {
        problems.add(role.name() + ": no " + role.kind() + " " + role.workload());
        continue;
      }
      checkRole(role, workload, docs, known, problems);
    }
    checkWorkerScaler(docs, problems);
    return problems;
  }

  private static void checkRole(
      Role role,
      Map<String, Object> workload,
      List<Map<String, Object>> docs,
      Set<String> known,
      List<String> problems) {
    String r = role.name();
    Map<String, Object> c = container(workload);
    List<String> args = list(c.get("args")).stream().map(String::valueOf).toList();
    if (!args.equals(List.of(r))) problems.add(r + ": args " + args + " do not run the role " + r);

    Map<String, Map<String, Object>> env = env(c, docs, problems, r);
    env.keySet().stream()
        .filter(v -> v.startsWith("HOOKLINE_") && !known.contains(v))
        .forEach(v -> problems.add(r + ": " + v + " is not a Hookline setting"));
    for (Setting required : DockerComposeFileTest.REQUIRED.get(r))
      if (!env.containsKey(required.variable()))
        problems.add(r + ": required " + required.variable() + " is not set");
    for (Setting secret : SECRETS) {
      Map<String, Object> source = env.get(secret.variable());
      if (source != null && map(source.get("valueFrom")).get("secretKeyRef") == null)
        problems.add(r + ": " + secret.variable() + " must come from a Secret (secretKeyRef)");
    }

    String port = String.valueOf(valueOf(env, Setting.HTTP_PORT));
    Map<String, Object> named = new LinkedHashMap<>();
    for (Object p : list(c.get("ports")))
      named.put(String.valueOf(map(p).get("name")), map(p).get("containerPort"));
    if (!named.values().stream().map(String::valueOf).toList().contains(port))
      problems.add(r + ": no containerPort for HOOKLINE_HTTP_PORT " + port);
    for (String probe : List.of("startupProbe", "readinessProbe")) {
      Map<String, Object> get = map(map(c.get(probe)).get("httpGet"));
      if (!"/health".equals(get.get("path")) || !port.equals(portOf(get, named)))
        problems.add(r + ": " + probe + " must GET /health on port " + port);
    }
    Map<String, Object> liveness = map(c.get("livenessProbe"));
    Map<String, Object> target = map(liveness.getOrDefault("httpGet", liveness.get("tcpSocket")));
    if (!port.equals(portOf(target, named)))
      problems.add(r + ": livenessProbe must ask port " + port);

    Map<String, Object> resources = map(c.get("resources"));
    if (map(resources.get("requests")).get("cpu") == null
        || map(resources.get("requests")).get("memory") == null
        || map(resources.get("limits")).get("memory") == null)
      problems.add(r + ": resources need cpu and memory requests and a memory limit");

    Map<String, Object> podLabels =
        map(map(map(map(workload.get("spec")).get("template")).get("metadata")).get("labels"));
    if (docs.stream()
        .filter(d -> "PodDisruptionBudget".equals(d.get("kind")))
        .noneMatch(d -> selects(map(d.get("spec")), podLabels)))
      problems.add(r + ": no PodDisruptionBudget selects its pods");
    if (r.equals("admin-api")
        && docs.stream()
            .filter(d -> "Service".equals(d.get("kind")) && selects(map(d.get("spec")), podLabels))
            .flatMap(d -> list(map(d.get("spec")).get("ports")).stream())
            .noneMatch(p -> port.equals(portOf(Map.of("port", map(p).get("targetPort")), named))))
      problems.add(r + ": no Service reaches its port " + port);
    if (r.equals("router")) checkRouter(workload, c, env, problems);
    if (r.equals("worker")
        && !(map(map(map(workload.get("spec")).get("template")).get("spec"))
                    .get("terminationGracePeriodSeconds")
                instanceof Integer g
            && g >= 40))
      problems.add("worker: terminationGracePeriodSeconds must be 40 or more (docs/operations.md)");
  }

  /** A volume per replica at HOOKLINE_DATA_DIR, and the pod name as its instance id. */
  private static void checkRouter(
      Map<String, Object> set,
      Map<String, Object> c,
      Map<String, Map<String, Object>> env,
      List<String> problems) {
    Set<String> claims =
        list(map(set.get("spec")).get("volumeClaimTemplates")).stream()
            .map(t -> name(map(t)))
            .collect(Collectors.toSet());
    Object dataDir = valueOf(env, Setting.DATA_DIR);
    if (list(c.get("volumeMounts")).stream()
        .map(KubernetesManifestsTest::map)
        .noneMatch(m -> claims.contains(m.get("name")) && dataDir.equals(m.get("mountPath"))))
      problems.add(
          "router: no volume per replica (volumeClaimTemplates) at HOOKLINE_DATA_DIR " + dataDir);
    Object field =
        map(map(map(env.get(Setting.ROUTER_INSTANCE_ID.variable())).get("valueFrom"))
                .get("fieldRef"))
            .get("fieldPath");
    if (!"metadata.name".equals(field))
      problems.add(
          "router: HOOKLINE_ROUTER_INSTANCE_ID must be the pod name (fieldRef metadata.name)");
  }

  /** A KEDA ScaledObject on the worker Deployment, scaling on the lag metric the worker exports. */
  private static void checkWorkerScaler(List<Map<String, Object>> docs, List<String> problems) {
    String wanted = "group=\"" + Topics.DISPATCHER_SHARE_GROUP + "\"";
    boolean found =
        docs.stream()
            .filter(d -> "ScaledObject".equals(d.get("kind")))
            .map(d -> map(d.get("spec")))
            .filter(s -> "hookline-worker".equals(map(s.get("scaleTargetRef")).get("name")))
            .flatMap(s -> list(s.get("triggers")).stream().map(KubernetesManifestsTest::map))
            .filter(t -> "prometheus".equals(t.get("type")))
            .map(t -> String.valueOf(map(t.get("metadata")).get("query")))
            .anyMatch(q -> q.contains(LAG_METRIC + "{") && q.contains(wanted));
    if (!found)
      problems.add(
          "worker: no ScaledObject with a prometheus trigger on "
              + LAG_METRIC
              + "{"
              + wanted
              + "}");
  }

  /** The container's variables by name (env, then envFrom's ConfigMaps), each as an env entry. */
  private static Map<String, Map<String, Object>> env(
      Map<String, Object> c, List<Map<String, Object>> docs, List<String> problems, String role) {
    Map<String, Map<String, Object>> env = new LinkedHashMap<>();
    for (Object from : list(c.get("envFrom"))) {
      String ref = String.valueOf(map(map(from).get("configMapRef")).get("name"));
      Map<String, Object> cm =
          docs.stream()
              .filter(d -> "ConfigMap".equals(d.get("kind")) && ref.equals(name(d)))
              .findFirst()
              .orElse(null);
      if (cm == null) problems.add(role + ": envFrom names no rendered ConfigMap: " + ref);
      else map(cm.get("data")).forEach((k, v) -> env.put(k, Map.of("name", k, "value", v)));
    }
    for (Object e : list(c.get("env"))) env.put(String.valueOf(map(e).get("name")), map(e));
    return env;
  }

  private static Object valueOf(Map<String, Map<String, Object>> env, Setting s) {
    return map(env.get(s.variable())).getOrDefault("value", s.defaultValue());
  }

  /** The port number a probe or Service asks, by number or by the container port's name. */
  private static String portOf(Map<String, Object> target, Map<String, Object> named) {
    Object port = target.get("port");
    return String.valueOf(
        named.containsKey(String.valueOf(port)) ? named.get(String.valueOf(port)) : port);
  }

  private static boolean selects(Map<String, Object> spec, Map<String, Object> podLabels) {
    Map<String, Object> selector = map(spec.get("selector"));
    Map<String, Object> labels =
        selector.containsKey("matchLabels") ? map(selector.get("matchLabels")) : selector;
    return !labels.isEmpty() && podLabels.entrySet().containsAll(labels.entrySet());
  }

  // ---------------------------------------------------------------------------------------

  private static List<String> problemsAfter(Consumer<List<Map<String, Object>>> breakIt) {
    List<Map<String, Object>> docs = documents();
    breakIt.accept(docs);
    return problems(docs);
  }

  /** A fresh, mutable parse of the rendered manifests. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents() {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(rendered))
      if (doc instanceof Map<?, ?>)
        docs.add((Map<String, Object>) DockerComposeFileTest.deepCopy(doc));
    assertThat(docs).as("rendered objects").isNotEmpty();
    return docs;
  }

  private static Map<String, Object> workload(List<Map<String, Object>> docs, String name) {
    return docs.stream()
        .filter(d -> name.equals(name(d)) && map(d.get("spec")).containsKey("template"))
        .findFirst()
        .orElseThrow();
  }

  /** Replaces where the workload's variable comes from by a literal value. */
  private static void setLiteral(Map<String, Object> workload, String variable, String value) {
    list(container(workload).get("env")).stream()
        .map(KubernetesManifestsTest::map)
        .filter(e -> variable.equals(e.get("name")))
        .forEach(
            e -> {
              e.remove("valueFrom");
              e.put("value", value);
            });
  }

  private static Map<String, Object> configMap(List<Map<String, Object>> docs) {
    return map(
        docs.stream()
            .filter(d -> "ConfigMap".equals(d.get("kind")))
            .findFirst()
            .orElseThrow()
            .get("data"));
  }

  private static Map<String, Object> container(Map<String, Object> workload) {
    return map(
        list(map(map(map(workload.get("spec")).get("template")).get("spec")).get("containers"))
            .getFirst());
  }

  private static String name(Map<String, Object> doc) {
    return String.valueOf(map(doc.get("metadata")).get("name"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    return value instanceof List<?> l ? (List<Object>) l : new ArrayList<>();
  }

  private static boolean onPath(String command) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
