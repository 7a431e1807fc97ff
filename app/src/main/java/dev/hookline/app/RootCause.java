package dev.hookline.app;

/** What went wrong, in the words of the innermost cause: the one line a command prints. */
final class RootCause {
  private RootCause() {}

  @SuppressWarnings(
      "ReferenceEquality") // identity is meant: a cause that is the exception itself ends the chain
  static String message(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
