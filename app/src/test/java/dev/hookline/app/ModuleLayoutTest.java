package dev.hookline.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Keeps the module boundaries of docs/architecture.md. Two views of the same rule: the classes
 * (what the code really uses, checked with ArchUnit over the main classes of every module, which
 * are all on app's test class path) and the module poms (what each module declares). Also keeps
 * dependency versions in the parent pom only.
 */
class ModuleLayoutTest {

  /** Module directory → its base package. */
  static final Map<String, String> PACKAGES = new LinkedHashMap<>();

  /** Module directory → the modules of ours it may use. app wires them all. */
  static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

  /** Modules built on top of app (so not on its classpath): the benchmark drives the stack. */
  static final Set<String> ABOVE_APP = Set.of("bench");

  static {
    module("schemas", "dev.hookline.schemas");
    module("store", "dev.hookline.store", "schemas");
    module("producer", "dev.hookline.producer", "schemas");
    // the roles: never on each other, so each can be deployed, scaled and changed alone
    module("router", "dev.hookline.router", "schemas", "store", "producer");
    module("dispatcher-worker", "dev.hookline.worker", "schemas", "store", "producer");
    module("admin-api", "dev.hookline.admin", "schemas", "store", "producer");
    module(
        "app",
        "dev.hookline.app",
        "schemas",
        "store",
        "producer",
        "router",
        "dispatcher-worker",
        "admin-api");
  }

  private static void module(String dir, String pkg, String... allowed) {
    PACKAGES.put(dir, pkg);
    ALLOWED.put(dir, Set.of(allowed));
  }

  static JavaClasses classes;
  static Path root;

  @BeforeAll
  static void importMainClasses() {
    // main classes only: the test-classes directories and the store's test-jar are fixtures
    ImportOption mainOnly =
        location -> !location.contains("/test-classes/") && !location.contains("-tests.jar");
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(mainOnly)
            .importPackages("dev.hookline");
    Path dir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    root = Files.exists(dir.resolve("../pom.xml")) ? dir.getParent() : dir;
  }

  @Test
  void everyModuleIsKnownAndImported() throws Exception {
    assertThat(modulesOf(root.resolve("pom.xml")))
        .as(
            "modules of the root pom; a new module needs its place here and in docs/architecture.md")
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.Stream.concat(PACKAGES.keySet().stream(), ABOVE_APP.stream())
                .toList());
    for (String pkg : PACKAGES.values()) {
      assertThat(classes.stream().filter(c -> inPackage(c, pkg)))
          .as("main classes imported from %s", pkg)
          .isNotEmpty();
    }
  }

  @Test
  void everyClassLivesInItsModulesPackage() {
    List<String> strays = new ArrayList<>();
    for (JavaClass c : classes) {
      if (PACKAGES.values().stream().noneMatch(pkg -> inPackage(c, pkg))) strays.add(c.getName());
    }
    assertThat(strays).as("classes outside every module's base package").isEmpty();
  }

  @TestFactory
  List<DynamicTest> classesUseOnlyTheModulesTheirModuleMayUse() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String module : PACKAGES.keySet()) {
      String[] forbidden =
          PACKAGES.entrySet().stream()
              .filter(e -> !e.getKey().equals(module) && !ALLOWED.get(module).contains(e.getKey()))
              .map(e -> e.getValue() + "..")
              .toArray(String[]::new);
      if (forbidden.length == 0) continue;
      tests.add(
          DynamicTest.dynamicTest(
              module,
              () ->
                  noClasses()
                      .that()
                      .resideInAPackage(PACKAGES.get(module) + "..")
                      .should()
                      .dependOnClassesThat()
                      .resideInAnyPackage(forbidden)
                      .because(module + " may use only " + new TreeSet<>(ALLOWED.get(module)))
                      .check(classes)));
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> pomsDeclareOnlyTheModulesTheirModuleMayUse() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String module : PACKAGES.keySet()) {
      tests.add(
          DynamicTest.dynamicTest(
              module,
              () -> {
                Set<String> declared = new TreeSet<>();
                for (Element dependency : dependencies(module)) {
                  String artifact = text(dependency, "artifactId");
                  if ("dev.hookline".equals(text(dependency, "groupId"))) {
                    declared.add(artifact.substring("hookline-".length()));
                  }
                }
                assertThat(declared)
                    .as("modules of ours declared in %s/pom.xml", module)
                    .isSubsetOf(ALLOWED.get(module));
              }));
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> versionsLiveInTheParentPomOnly() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String module : PACKAGES.keySet()) {
      tests.add(
          DynamicTest.dynamicTest(
              module,
              () -> {
                Document pom = parse(root.resolve(module).resolve("pom.xml"));
                List<String> versioned = new ArrayList<>();
                for (String tag : List.of("dependency", "plugin")) {
                  NodeList nodes = pom.getElementsByTagName(tag);
                  for (int i = 0; i < nodes.getLength(); i++) {
                    Element e = (Element) nodes.item(i);
                    if (text(e, "version") != null) {
                      versioned.add(text(e, "groupId") + ":" + text(e, "artifactId"));
                    }
                  }
                }
                assertThat(versioned)
                    .as(
                        "%s/pom.xml gives versions: move them to <dependencyManagement> or"
                            + " <pluginManagement> of the root pom.xml",
                        module)
                    .isEmpty();
                assertThat(pom.getElementsByTagName("dependencyManagement").getLength())
                    .as("%s/pom.xml has a <dependencyManagement>", module)
                    .isZero();
              }));
    }
    return tests;
  }

  private static boolean inPackage(JavaClass c, String pkg) {
    return c.getPackageName().equals(pkg) || c.getPackageName().startsWith(pkg + ".");
  }

  private static List<String> modulesOf(Path pom) throws Exception {
    List<String> modules = new ArrayList<>();
    NodeList nodes = parse(pom).getElementsByTagName("module");
    for (int i = 0; i < nodes.getLength(); i++) modules.add(nodes.item(i).getTextContent().trim());
    return modules;
  }

  /** The project's own dependencies (not those of plugins). */
  private static List<Element> dependencies(String module) throws Exception {
    Document pom = parse(root.resolve(module).resolve("pom.xml"));
    List<Element> result = new ArrayList<>();
    for (Node n = pom.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals("dependencies")) {
        NodeList deps = e.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) result.add((Element) deps.item(i));
      }
    }
    return result;
  }

  private static String text(Element parent, String child) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(child)) return e.getTextContent().trim();
    }
    return null;
  }

  private static Document parse(Path pom) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(pom.toFile());
  }
}
