package dev.hookline.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code hookline} script run for real (bash, a copy in a checkout of its own): which JDK it
 * picks and which JVM options it gives a role, as {@code ./hookline java-home} and {@code
 * java-options} print them. Fake JDKs are two shell scripts ({@code bin/java} answering {@code
 * -XshowSettings:properties} as a JDK of the given version does, on stderr, and {@code bin/javac}).
 */
class HooklineScriptTest {
  @TempDir Path dir;

  @Test
  void javaHomeIsTakenWhenItIsAJdkOf21OrNewer() throws Exception {
    Path jdk = fakeJdk("jdk-22", "22", true);
    Run run = javaHome(jdk);
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo(jdk.toString());
  }

  @Test
  void anOlderJdkOrAJreInJavaHomeIsPassedOver() throws Exception {
    for (Path notUsable : List.of(fakeJdk("jdk-17", "17", true), fakeJdk("jre-22", "22", false))) {
      Run run = javaHome(notUsable);
      // another JDK of the machine, or the clear refusal when there is none
      if (run.exit() == 0) assertThat(run.out()).isNotEqualTo(notUsable.toString());
      else assertThat(run.err()).contains("no JDK 21 or newer found");
    }
  }

  @Test
  void upOnJdk25RecordsAnAotCacheThenStartsFromIt() throws Exception {
    Path jdk = fakeJdk("jdk-25", "25", true);
    Path aot = checkout().resolve(".hookline/aot");
    Run first = run(jdk, Map.of(), "java-options", "up");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out())
        .matches(Pattern.quote("-XX:AOTCacheOutput=" + aot + "/up-") + "\\d+\\.aot");
    Path cache = Path.of(first.out().substring(first.out().indexOf('=') + 1));

    Files.createDirectories(cache.getParent());
    Files.writeString(cache, "the cache the first run wrote");
    Run next = run(jdk, Map.of("HOOKLINE_JAVA_OPTS", "-Xmx1g"), "java-options", "up");
    assertThat(next.out()).isEqualTo("-XX:AOTCache=" + cache + " -Xmx1g");
  }

  @Test
  void noAotCacheBefore25ForOtherRolesOrWhenTurnedOff() throws Exception {
    assertThat(run(fakeJdk("jdk-22", "22", true), Map.of(), "java-options", "up").out()).isEmpty();
    Path jdk25 = fakeJdk("jdk-25", "25", true);
    assertThat(run(jdk25, Map.of(), "java-options", "worker").out()).isEmpty();
    assertThat(run(jdk25, Map.of("HOOKLINE_AOT_CACHE", "off"), "java-options", "up").out())
        .isEmpty();
    assertThat(checkout().resolve(".hookline"))
        .doesNotExist(); // printing the options writes nothing
  }

  @Test
  void theUpBacklogMeasurementRunsOnTheJdkTheScriptFinds() {
    String script = RepoFiles.read("bench/up-backlog/up-backlog.sh");
    assertThat(script).contains("/hookline\" java-home)/bin/java");
    assertThat(script).doesNotContain("/usr/lib/jvm");
  }

  /**
   * A checkout holding only a copy of the script: what it finds next to itself ({@code .hookline/},
   * the jars) is the test's, never the repository's.
   */
  private Path checkout() throws IOException {
    Path root = Files.createDirectories(dir.resolve("checkout"));
    Path script = root.resolve("hookline");
    if (!Files.exists(script)) Files.copy(RepoFiles.root().resolve("hookline"), script);
    return root;
  }

  private Path fakeJdk(String name, String version, boolean withJavac) throws IOException {
    Path bin = Files.createDirectories(dir.resolve(name).resolve("bin"));
    executable(
        bin.resolve("java"),
        "#!/bin/sh\n"
            + "echo 'Property settings:' >&2\n"
            + "echo '    java.specification.version = "
            + version
            + "' >&2\n");
    if (withJavac) executable(bin.resolve("javac"), "#!/bin/sh\nexit 0\n");
    return dir.resolve(name);
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private record Run(int exit, String out, String err) {}

  private Run javaHome(Path javaHome) throws Exception {
    return run(javaHome, Map.of(), "java-home");
  }

  private Run run(Path javaHome, Map<String, String> env, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("bash", checkout().resolve("hookline").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("HOOKLINE_JAVA_OPTS");
    builder.environment().remove("HOOKLINE_AOT_CACHE");
    builder.environment().putAll(env);
    builder.environment().put("JAVA_HOME", javaHome.toString());
    builder.redirectOutput(dir.resolve("out.txt").toFile());
    builder.redirectError(dir.resolve("err.txt").toFile());
    Process p = builder.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("./hookline java-home did not answer within 60 s");
    }
    return new Run(
        p.exitValue(),
        Files.readString(dir.resolve("out.txt")).strip(),
        Files.readString(dir.resolve("err.txt")));
  }
}
