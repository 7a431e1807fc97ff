package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/** Writes a run's results as JSON (everything) and as a Markdown table (for docs and commits). */
final class ReportWriter {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  record Written(Path json, Path markdown) {}

  private ReportWriter() {}

  static Written write(
      Path dir,
      Instant started,
      Instant finished,
      Map<String, Object> machine,
      Map<String, Object> options,
      List<ScenarioResult> results) {
    try {
      Files.createDirectories(dir);
      String base = "bench-" + STAMP.format(started);
      Path json = dir.resolve(base + ".json");
      Path md = dir.resolve(base + ".md");
      ObjectNode root = Json.MAPPER.createObjectNode();
      root.put("startedAt", started.toString());
      root.put("finishedAt", finished.toString());
      root.set("machine", Json.MAPPER.valueToTree(machine));
      root.set("options", Json.MAPPER.valueToTree(options));
      root.set("results", Json.MAPPER.valueToTree(results));
      Files.writeString(
          json,
          Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root),
          StandardCharsets.UTF_8);
      Files.writeString(
          md, markdown(started, finished, machine, options, results), StandardCharsets.UTF_8);
      return new Written(json, md);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the results to " + dir, e);
    }
  }

  static String markdown(
      Instant started,
      Instant finished,
      Map<String, Object> machine,
      Map<String, Object> options,
      List<ScenarioResult> results) {
    StringBuilder md = new StringBuilder();
    md.append("# Hookline benchmark, ").append(started).append("\n\n");
    md.append("Machine: ")
        .append(machine.get("cores"))
        .append(" cores (")
        .append(machine.get("cpu"))
        .append("), ")
        .append(machine.get("memoryMb"))
        .append(" MB, ")
        .append(machine.get("os"))
        .append(", ")
        .append(machine.get("java"))
        .append(". Load average at start ")
        .append(machine.get("loadAverageAtStart"))
        .append(", at end ")
        .append(machine.get("loadAverageAtEnd"))
        .append(". Took ")
        .append(java.time.Duration.between(started, finished).toSeconds())
        .append(" s.\n\n");
    md.append("Options: `").append(options).append("`\n\n");
    md.append(
        "| Scenario | Result | Target | Verdict | CPU, cores (machine total last) |\n|---|---|---|---|---|\n");
    for (ScenarioResult r : results) {
      md.append("| ")
          .append(r.name())
          .append(" | ")
          .append(r.headline())
          .append(" | ")
          .append(r.target() == null ? "" : r.target())
          .append(" | ")
          .append(r.verdict())
          .append(" | ")
          .append(CpuMeter.format(r.cpuCores()))
          .append(" |\n");
    }
    md.append("\n## Figures\n");
    for (ScenarioResult r : results) {
      md.append("\n### ").append(r.name()).append(": ").append(r.title()).append("\n\n");
      r.figures().forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
      if (r.bound() != null && !r.bound().isBlank())
        md.append("- bound: ").append(r.bound()).append('\n');
    }
    return md.toString();
  }
}
