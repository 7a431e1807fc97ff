package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.app.deploy.RepoFiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docs/configuration.md against the code: one table row per {@link Setting} with its exact default
 * and meaning, no variable the code does not know, and a "read by" column that agrees with
 * docker-compose.yml.
 */
class ConfigurationDocTest {
  private static final String DOC = "docs/configuration.md";

  /** How the table writes an empty default. */
  static final String EMPTY = "(empty)";

  private static final Pattern ROW =
      Pattern.compile("^\\|\\s*`(HOOKLINE_[A-Z0-9_]+)`\\s*\\|(.*)\\|\\s*$");
  private static final Pattern VARIABLE = Pattern.compile("HOOKLINE_[A-Z0-9_]+");

  /** Read by the {@code hookline} script before any JVM starts, so no {@link Setting}. */
  static final Set<String> SCRIPT_VARIABLES = Set.of("HOOKLINE_JAVA_OPTS", "HOOKLINE_AOT_CACHE");

  private static final Set<String> COMMANDS =
      Set.of("admin-api", "router", "worker", "up", "publish", "status");

  @Test
  void everySettingHasOneRowWithItsExactDefaultAndMeaning() {
    assertThat(problems(RepoFiles.read(DOC))).isEmpty();
  }

  @Test
  void theDocNamesNoVariableTheCodeDoesNotKnow() {
    assertThat(unknownVariables(RepoFiles.read(DOC))).isEmpty();
  }

  @Test
  void theScriptsOwnVariablesAreReadByTheScript() {
    String script = RepoFiles.read("hookline");
    assertThat(SCRIPT_VARIABLES).allSatisfy(v -> assertThat(script).contains("${" + v + ":-"));
  }

  @Test
  void everyVariableComposeGivesARoleIsDocumentedAsReadByThatRole() {
    Map<String, Row> rows = rows(RepoFiles.read(DOC));
    Map<?, ?> services =
        (Map<?, ?>)
            ((Map<?, ?>)
                    new Yaml(new SafeConstructor(new LoaderOptions()))
                        .load(RepoFiles.read("docker-compose.yml")))
                .get("services");
    List<String> problems = new ArrayList<>();
    for (String role : List.of("admin-api", "router", "worker")) {
      Object env = ((Map<?, ?>) services.get(role)).get("environment");
      assertThat(env).as(role + " environment").isInstanceOf(Map.class);
      for (Object variable : ((Map<?, ?>) env).keySet()) {
        Row row = rows.get(String.valueOf(variable));
        if (row != null && !row.readBy().contains(role)) {
          problems.add(
              variable
                  + " is set for "
                  + role
                  + " in docker-compose.yml, but the doc says it is read by "
                  + row.readBy());
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void theChecksCatchAWrongDefaultAMissingRowAndAStrangerVariable() {
    String good = RepoFiles.read(DOC);
    String bad =
        good.replace(
                    "| `HOOKLINE_TOPIC_PARTITIONS` | `6` |",
                    "| `HOOKLINE_TOPIC_PARTITIONS` | `12` |")
                .lines()
                .filter(l -> !l.startsWith("| `HOOKLINE_WORKER_ID`"))
                .collect(Collectors.joining("\n"))
            + "\nAlso `HOOKLINE_LOG_LEVEL`.\n";
    assertThat(bad).isNotEqualTo(good);
    assertThat(problems(bad))
        .anySatisfy(p -> assertThat(p).contains("HOOKLINE_TOPIC_PARTITIONS").contains("`6`"))
        .anySatisfy(p -> assertThat(p).contains("HOOKLINE_WORKER_ID").contains("no row"));
    assertThat(unknownVariables(bad)).containsExactly("HOOKLINE_LOG_LEVEL");
  }

  // ---------------------------------------------------------------------------------------

  record Row(String defaultCell, Set<String> readBy, String meaning) {}

  /** What is wrong with the table, one line each; empty when it matches {@link Setting}. */
  static List<String> problems(String doc) {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    Map<String, Row> rows = rows(doc);
    doc.lines()
        .map(ROW::matcher)
        .filter(Matcher::matches)
        .forEach(m -> counts.merge(m.group(1), 1, Integer::sum));
    for (Setting setting : Setting.values()) {
      String variable = setting.variable();
      Row row = rows.get(variable);
      if (row == null) {
        problems.add(variable + ": no row in the table");
        continue;
      }
      if (counts.get(variable) > 1) problems.add(variable + ": " + counts.get(variable) + " rows");
      String expectedDefault =
          setting.defaultValue().isEmpty() ? EMPTY : "`" + setting.defaultValue() + "`";
      if (!row.defaultCell().equals(expectedDefault)) {
        problems.add(
            variable + ": default is " + row.defaultCell() + ", the code says " + expectedDefault);
      }
      if (!row.meaning().equals(setting.description())) {
        problems.add(
            variable
                + ": meaning is '"
                + row.meaning()
                + "', the code says '"
                + setting.description()
                + "'");
      }
      if (row.readBy().isEmpty() || !COMMANDS.containsAll(row.readBy())) {
        problems.add(
            variable + ": 'read by' must list commands of " + COMMANDS + ", is " + row.readBy());
      }
    }
    return problems;
  }

  /** Every HOOKLINE_* name in the text that is not a {@link Setting}. */
  static Set<String> unknownVariables(String doc) {
    Set<String> known = new TreeSet<>(SCRIPT_VARIABLES);
    Arrays.stream(Setting.values()).map(Setting::variable).forEach(known::add);
    Set<String> unknown = new TreeSet<>();
    Matcher m = VARIABLE.matcher(doc);
    while (m.find()) {
      if (!known.contains(m.group())) unknown.add(m.group());
    }
    return unknown;
  }

  /** The table rows by variable: | `VARIABLE` | default | read by | meaning |. */
  private static Map<String, Row> rows(String doc) {
    Map<String, Row> rows = new LinkedHashMap<>();
    doc.lines()
        .map(ROW::matcher)
        .filter(Matcher::matches)
        .forEach(
            m -> {
              // The meaning is the last column and may itself hold no '|'; split the rest off the
              // front.
              String[] cells = m.group(2).split("\\|", 3);
              if (cells.length < 3) return;
              Set<String> readBy =
                  Arrays.stream(cells[1].split(","))
                      .map(String::trim)
                      .filter(s -> !s.isEmpty())
                      .collect(Collectors.toCollection(TreeSet::new));
              rows.putIfAbsent(m.group(1), new Row(cells[0].trim(), readBy, cells[2].trim()));
            });
    return rows;
  }
}
