package dev.hookline.app;

/** What one check of {@code hookline status} came to: a value, or why there is none. */
sealed interface Probe<T> {
  record Ok<T>(T value) implements Probe<T> {}

  record Failed<T>(String reason) implements Probe<T> {}

  @FunctionalInterface
  interface Check<T> {
    T run() throws Exception;
  }

  static <T> Probe<T> of(Check<T> check) {
    try {
      return new Ok<>(check.run());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Failed<>("interrupted");
    } catch (Exception e) {
      return failed(e);
    }
  }

  static <T> Probe<T> failed(Throwable e) {
    String message = RootCause.message(e);
    // keep the screen one line per check
    int nl = message.indexOf('\n');
    return new Failed<>(nl < 0 ? message : message.substring(0, nl));
  }
}
