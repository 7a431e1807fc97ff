package dev.hookline.bench;

import java.nio.file.Path;

/**
 * {@code ./hookline bench [options]}: the end-to-end benchmark on the embedded stack (see {@code
 * docs/benchmarks.md}). Prints one line per scenario and writes JSON and Markdown results under
 * {@code bench/results/}. Exit code 0 when it ran (whatever the figures), 2 on bad options, 1 when
 * the stack could not run.
 */
public final class BenchMain {
  private BenchMain() {}

  /**
   * The bench's own logging configuration (warnings only); app's logback.xml is on the class path
   * too.
   */
  static final String LOGBACK = "logback-bench.xml";

  public static void main(String[] args) {
    System.setProperty("logback.configurationFile", LOGBACK);
    if (java.util.List.of(args).contains("--help") || java.util.List.of(args).contains("-h")) {
      System.out.print(BenchOptions.USAGE);
      return;
    }
    BenchOptions options;
    try {
      String root = System.getProperty("hookline.root");
      options = BenchOptions.parse(args, root == null ? null : Path.of(root, "bench", "results"));
    } catch (IllegalArgumentException e) {
      System.err.println("hookline bench: " + e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    try {
      Bench.run(options, System.out);
    } catch (RuntimeException e) {
      System.err.println("hookline bench: " + e.getMessage());
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0); // the embedded broker leaves non-daemon threads behind
  }
}
