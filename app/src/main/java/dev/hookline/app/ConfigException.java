package dev.hookline.app;

/** A configuration value is missing or invalid; the message is one line naming the variable. */
final class ConfigException extends RuntimeException {
  ConfigException(String message) {
    super(message);
  }
}
