package dev.hookline.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile, read as text (no Docker here): a multi-stage build, a non-root runtime with a
 * health check, and an entry point that runs {@code dev.hookline.app.Main} from the files the Maven
 * build really produces.
 */
class DockerfileTest {
  private static final Set<String> COMMANDS = Set.of("help", "up", "admin-api", "router", "worker");

  @Test
  void theDockerfileHasNoProblems() {
    assertThat(problems(RepoFiles.read("Dockerfile"))).isEmpty();
  }

  @Test
  void theImageCopiesWhatTheMavenBuildProduces() {
    String pom = RepoFiles.read("app/pom.xml");
    assertThat(pom)
        .as("app/pom.xml names the jar the Dockerfile copies")
        .contains("<finalName>hookline-app</finalName>");
    assertThat(pom)
        .as("app/pom.xml copies the runtime libraries where the Dockerfile takes them")
        .contains("<goal>copy-dependencies</goal>")
        .contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>");
  }

  @Test
  void theChecksCatchASingleStageRootImageWithoutHealthCheck() {
    String bad =
        """
        FROM eclipse-temurin:21-jdk
        COPY . /src
        RUN cd /src && ./mvnw -B -q -DskipTests package
        ENTRYPOINT java -jar /src/app/target/hookline-app.jar
        """;
    assertThat(problems(bad))
        .anySatisfy(p -> assertThat(p).contains("multi-stage"))
        .anySatisfy(p -> assertThat(p).contains("USER"))
        .anySatisfy(p -> assertThat(p).contains("HEALTHCHECK"))
        .anySatisfy(p -> assertThat(p).contains("exec form"));
  }

  @Test
  void theChecksCatchARootUserAndAWrongMainClass() {
    String bad =
        """
        FROM eclipse-temurin:21-jdk AS build
        RUN ./mvnw -B -q -DskipTests package
        FROM eclipse-temurin:21-jre
        COPY --from=build /src/app/target/hookline-app.jar /app/hookline-app.jar
        COPY --from=build /src/app/target/lib/ /app/lib/
        USER app
        USER root
        HEALTHCHECK CMD curl -f http://127.0.0.1:8080/health
        ENTRYPOINT ["java", "-cp", "/app/hookline-app.jar:/app/lib/*", "dev.hookline.Other"]
        CMD ["serve"]
        """;
    assertThat(problems(bad))
        .anySatisfy(p -> assertThat(p).contains("root"))
        .anySatisfy(p -> assertThat(p).contains("dev.hookline.app.Main"))
        .anySatisfy(p -> assertThat(p).contains("CMD"));
  }

  @Test
  void continuationLinesAndCommentsAreJoinedLikeDockerDoes() {
    List<Instruction> parsed =
        parse(
            """
        # syntax=docker/dockerfile:1
        FROM scratch AS a
        RUN one \\
        # a comment inside a continuation is dropped
            two
        """);
    assertThat(parsed).extracting(Instruction::keyword).containsExactly("FROM", "RUN");
    assertThat(parsed.get(1).args()).isEqualTo("one two");
  }

  /** Everything wrong with a Dockerfile, one line each; empty when it is fine. */
  static List<String> problems(String dockerfile) {
    List<String> problems = new ArrayList<>();
    List<List<Instruction>> stages = stages(parse(dockerfile));
    if (stages.size() < 2) {
      problems.add("not a multi-stage build: " + stages.size() + " FROM");
      if (stages.isEmpty()) return problems;
    }
    List<Instruction> build = stages.getFirst();
    List<Instruction> runtime = stages.getLast();

    Matcher from =
        Pattern.compile("(?i)eclipse-temurin:21-jdk\\S*\\s+AS\\s+(\\S+)")
            .matcher(build.getFirst().args());
    String buildName = from.find() ? from.group(1) : null;
    if (stages.size() >= 2 && buildName == null) {
      problems.add(
          "the build stage is not a named eclipse-temurin:21-jdk stage: FROM "
              + build.getFirst().args());
    }
    if (build.stream()
        .noneMatch(
            i ->
                i.is("RUN")
                    && i.args().contains("./mvnw")
                    && i.args().contains("package")
                    && i.args().contains("-DskipTests"))) {
      problems.add("the build stage does not run ./mvnw -DskipTests package");
    }
    if (stages.size() >= 2) {
      if (!runtime.getFirst().args().startsWith("eclipse-temurin:21-jre")) {
        problems.add(
            "the runtime stage is not eclipse-temurin:21-jre: FROM " + runtime.getFirst().args());
      }
      for (String artifact : List.of("app/target/hookline-app.jar", "app/target/lib")) {
        if (runtime.stream()
            .noneMatch(
                i ->
                    i.is("COPY")
                        && i.args().contains("--from=" + buildName)
                        && i.args().contains(artifact))) {
          problems.add("the runtime stage does not COPY --from=" + buildName + " " + artifact);
        }
      }
    }

    List<Instruction> users = runtime.stream().filter(i -> i.is("USER")).toList();
    if (users.isEmpty()) {
      problems.add("no USER in the runtime stage: the container would run as root");
    } else {
      String user = users.getLast().args().split(":")[0].trim();
      if (user.equals("root") || user.equals("0"))
        problems.add("the runtime stage ends as USER root");
    }

    List<Instruction> health = runtime.stream().filter(i -> i.is("HEALTHCHECK")).toList();
    if (health.isEmpty() || health.getLast().args().toUpperCase(Locale.ROOT).startsWith("NONE")) {
      problems.add("no HEALTHCHECK in the runtime stage");
    } else if (!health.getLast().args().contains("/health")) {
      problems.add("the HEALTHCHECK does not ask GET /health: " + health.getLast().args());
    }

    List<Instruction> entrypoints = runtime.stream().filter(i -> i.is("ENTRYPOINT")).toList();
    List<String> entry = entrypoints.isEmpty() ? List.of() : execForm(entrypoints.getLast().args());
    if (entry.isEmpty()) {
      problems.add(
          "no ENTRYPOINT in exec form (JSON array), so the role cannot be the CMD argument");
    } else {
      if (!entry.getFirst().equals("java") && !entry.getFirst().endsWith("/java")) {
        problems.add("the ENTRYPOINT does not start java: " + entry);
      }
      int cp = Math.max(entry.indexOf("-cp"), entry.indexOf("-classpath"));
      if (cp < 0
          || cp + 1 >= entry.size()
          || !entry.get(cp + 1).contains("hookline-app.jar")
          || !entry.get(cp + 1).contains("lib/*")) {
        problems.add("the ENTRYPOINT classpath is not hookline-app.jar and lib/*: " + entry);
      }
      if (!entry.getLast().equals("dev.hookline.app.Main")) {
        problems.add("the ENTRYPOINT does not run dev.hookline.app.Main: " + entry);
      }
    }

    List<Instruction> cmds = runtime.stream().filter(i -> i.is("CMD")).toList();
    List<String> cmd = cmds.isEmpty() ? List.of() : execForm(cmds.getLast().args());
    if (!entry.isEmpty() && (cmd.isEmpty() || !COMMANDS.contains(cmd.getFirst()))) {
      problems.add("the CMD is not one of " + COMMANDS + " in exec form: " + cmd);
    }
    return problems;
  }

  record Instruction(String keyword, String args) {
    boolean is(String name) {
      return keyword.equals(name);
    }
  }

  /**
   * Instructions with continuation lines joined and comment lines dropped, as Docker reads them.
   */
  static List<Instruction> parse(String text) {
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = null;
    for (String raw : text.split("\\R")) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && current == null)) continue;
      boolean continues = line.endsWith("\\");
      if (continues) line = line.substring(0, line.length() - 1).strip();
      current = current == null ? new StringBuilder(line) : current.append(' ').append(line);
      if (!continues) {
        String joined = current.toString().strip();
        current = null;
        if (joined.isEmpty()) continue;
        String[] parts = joined.split("\\s+", 2);
        out.add(
            new Instruction(
                parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1].strip() : ""));
      }
    }
    return out;
  }

  private static List<List<Instruction>> stages(List<Instruction> instructions) {
    List<List<Instruction>> stages = new ArrayList<>();
    for (Instruction i : instructions) {
      if (i.is("FROM")) stages.add(new ArrayList<>());
      if (!stages.isEmpty()) stages.getLast().add(i);
    }
    return stages;
  }

  /** The strings of a JSON-array (exec form) argument, or empty when it is shell form. */
  private static List<String> execForm(String args) {
    if (!args.startsWith("[") || !args.endsWith("]")) return List.of();
    List<String> items = new ArrayList<>();
    Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(args);
    while (m.find()) items.add(m.group(1));
    return items;
  }
}
