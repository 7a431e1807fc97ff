package dev.hookline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmCompilerAndGcTest {
  @Test
  void hotSpotsCompilerAndCollectorThreadsAreToldApartFromTheRest() {
    assertThat(JvmCompilerAndGc.kindOf("C2 CompilerThre")).isEqualTo("c2");
    assertThat(JvmCompilerAndGc.kindOf("C1 CompilerThre")).isEqualTo("c1");
    assertThat(JvmCompilerAndGc.kindOf("GC Thread#1")).isEqualTo("gc");
    assertThat(JvmCompilerAndGc.kindOf("G1 Conc#0")).isEqualTo("gc");
    assertThat(JvmCompilerAndGc.kindOf("VM Thread")).isEqualTo("vm");
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
  void thisJvmsCompilersAreCountedInTheTotalAndUnderItsRole() {
    Map<String, Long> ticks =
        JvmCompilerAndGc.ticks(Map.of(ProcessHandle.current().pid(), "bench"));
    assertThat(ticks).containsOnlyKeys("jit", "gc", "bench c1", "bench c2", "bench gc", "bench vm");
    assertThat(ticks.get("jit")).isEqualTo(ticks.get("bench c1") + ticks.get("bench c2"));
    assertThat(ticks.get("gc")).isEqualTo(ticks.get("bench gc"));
  }
}
