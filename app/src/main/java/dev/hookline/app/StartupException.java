package dev.hookline.app;

/** A role cannot start: an unreachable dependency or a bad setting. The message is one line. */
final class StartupException extends RuntimeException {
  StartupException(String message) {
    super(message);
  }

  StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
