package dev.hookline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmCompilerAndGcTest {
  @Test
  void hotSpotsCompilerAndCollectorThreadsAreToldApartFromTheRest() {
    assertThat(JvmCompilerAndGc.kindOf("C2 CompilerThre")).isEqualTo("jit");
    assertThat(JvmCompilerAndGc.kindOf("C1 CompilerThre")).isEqualTo("jit");
    assertThat(JvmCompilerAndGc.kindOf("GC Thread#1")).isEqualTo("gc");
    assertThat(JvmCompilerAndGc.kindOf("G1 Conc#0")).isEqualTo("gc");
    assertThat(JvmCompilerAndGc.kindOf("kafka-producer-")).isNull();
    assertThat(JvmCompilerAndGc.kindOf("main")).isNull();
  }

  @Test
  void aStatLineGivesUserPlusSystemTicksEvenWhenTheNameHasSpacesAndParentheses() {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    String stat = "4242 (C2 Compiler) x) S 1 1 1 0 -1 4194560 10 0 0 0 1234 56 0 0 20 0 1 0";
    assertThat(JvmCompilerAndGc.cpuTicks(stat)).isEqualTo(1290);
  }

  @Test
  void thisJvmsCompilersHaveWorkedByNow() {
    Map<String, Long> ticks = JvmCompilerAndGc.ticks(List.of(ProcessHandle.current().pid()));
    assertThat(ticks).containsOnlyKeys("jit", "gc");
    assertThat(ticks.get("jit")).isNotNegative();
  }
}
