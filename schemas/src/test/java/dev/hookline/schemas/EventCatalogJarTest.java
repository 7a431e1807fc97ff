package dev.hookline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog must load when the schemas module is a jar on the classpath, as in the app. */
class EventCatalogJarTest {

  @Test
  void loadsFromAJar(@TempDir Path dir) throws Exception {
    Path classes =
        Path.of(EventCatalog.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path jar = dir.resolve("hookline-schemas.jar");
    writeJar(classes, jar);

    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, new HidingLoader())) {
      Class<?> catalogClass = loader.loadClass(EventCatalog.class.getName());
      assertThat(catalogClass.getClassLoader()).isSameAs(loader); // really the jar's copy
      Object catalog = catalogClass.getMethod("load").invoke(null);
      List<?> types = (List<?>) catalogClass.getMethod("types").invoke(catalog);
      assertThat(types).hasSize(EventCatalog.load().types().size());
    }
  }

  /**
   * Like Maven's jar plugin: directory entries included, so {@code getResource("catalog")} works.
   */
  private static void writeJar(Path root, Path jar) throws IOException {
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream zip = new JarOutputStream(out);
        Stream<Path> files = Files.walk(root)) {
      for (Path path : files.sorted().toList()) {
        if (path.equals(root)) continue;
        String name = root.relativize(path).toString().replace('\\', '/');
        if (Files.isDirectory(path)) {
          zip.putNextEntry(new JarEntry(name + "/"));
        } else {
          zip.putNextEntry(new JarEntry(name));
          Files.copy(path, zip);
        }
        zip.closeEntry();
      }
    }
  }

  /** The test class path minus our own classes and catalog, so that only the jar can serve them. */
  private static final class HidingLoader extends ClassLoader {
    HidingLoader() {
      super(EventCatalogJarTest.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith("dev.hookline.schemas.")) throw new ClassNotFoundException(name);
      return super.loadClass(name, resolve);
    }

    @Override
    public URL getResource(String name) {
      return hidden(name) ? null : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      return hidden(name) ? Collections.emptyEnumeration() : super.getResources(name);
    }

    private static boolean hidden(String name) {
      return name.startsWith(EventCatalog.RESOURCE_DIR) || name.startsWith("dev/hookline/schemas");
    }
  }
}
