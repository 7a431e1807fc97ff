package dev.hookline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildJvmTest {
  @Test
  void aRoleJvmGetsTheScriptsDefaultsThenTheUsersOptions() {
    assertThat(
            ChildJvm.roleOptions(
                Map.of(
                    "HOOKLINE_JVM_DEFAULTS", "-XX:+UseParallelGC  -XX:TieredStopAtLevel=4",
                    "HOOKLINE_JAVA_OPTS", " -XX:+UseSerialGC\t-Xss512k ")))
        .containsExactly(
            "-XX:+UseParallelGC", "-XX:TieredStopAtLevel=4", "-XX:+UseSerialGC", "-Xss512k");
  }

  @Test
  void withNeitherVariableItGetsNothingExtra() {
    assertThat(ChildJvm.roleOptions(Map.of())).isEmpty();
    assertThat(ChildJvm.roleOptions(Map.of("HOOKLINE_JAVA_OPTS", "  "))).isEmpty();
  }
}
