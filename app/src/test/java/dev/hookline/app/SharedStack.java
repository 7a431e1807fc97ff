package dev.hookline.app;

/**
 * The shared {@link TestStack} for tests in sub-packages (e.g. {@code dev.hookline.app.routing}),
 * which cannot see the package-private fixture itself.
 */
public final class SharedStack {
  private SharedStack() {}

  /** Starts the stack on first use; the admin API URL of {@code path} under {@code /api/v1}. */
  public static String apiUrl(String path) {
    return TestStack.get().apiUrl(path);
  }

  public static String adminToken() {
    return TestStack.TOKEN;
  }

  public static String bootstrapServers() {
    return TestStack.get().config.kafkaBootstrapServers();
  }
}
