package dev.hookline.app;

import dev.hookline.worker.ssrf.CidrBlock;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Reads and checks one variable at a time, so each error names exactly one variable. */
record SettingReader(Map<String, String> env) {
  String string(Setting s) {
    String value = env.get(s.variable());
    return value == null ? s.defaultValue() : value.trim();
  }

  String nonBlank(Setting s) {
    String value = string(s);
    if (value.isBlank()) throw new ConfigException(s.variable() + " must not be empty");
    return value;
  }

  int integer(Setting s, int min, int max) {
    String value = string(s);
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) throw new NumberFormatException();
      return parsed;
    } catch (NumberFormatException e) {
      throw new ConfigException(
          s.variable()
              + " must be a whole number from "
              + min
              + " to "
              + max
              + ", was '"
              + shown(value)
              + "'");
    }
  }

  /**
   * {@code value} (already read from {@code s}) when it is at least {@code floor}, the value of
   * {@code floorSetting}; else an error naming {@code s}.
   */
  int atLeast(Setting s, int value, Setting floorSetting, int floor) {
    if (value < floor) {
      throw new ConfigException(
          s.variable()
              + " must be at least "
              + floorSetting.variable()
              + " ("
              + floor
              + "), was '"
              + shown(string(s))
              + "'");
    }
    return value;
  }

  String jdbcUrl(Setting s) {
    String value = nonBlank(s);
    if (!value.startsWith("jdbc:postgresql://")) {
      throw new ConfigException(
          s.variable()
              + " must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), was '"
              + shown(value)
              + "'");
    }
    return value;
  }

  Path path(Setting s) {
    String value = nonBlank(s);
    try {
      return Path.of(value).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new ConfigException(s.variable() + " is not a valid path: '" + shown(value) + "'");
    }
  }

  /** The value as quoted in an error: control characters escaped, so the error stays one line. */
  private static String shown(String value) {
    StringBuilder out = new StringBuilder();
    value
        .codePoints()
        .limit(200)
        .forEach(
            c -> {
              if (Character.isISOControl(c)) out.append(String.format("\\u%04x", c));
              else out.appendCodePoint(c);
            });
    return value.codePointCount(0, value.length()) > 200 ? out + "..." : out.toString();
  }

  List<String> list(Setting s) {
    return Arrays.stream(string(s).split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  /** Empty, or a value matching {@code pattern}; else an error saying what {@code must} be. */
  String emptyOr(Setting s, Pattern pattern, String must) {
    return emptyOr(s, pattern, must, java.util.function.UnaryOperator.identity());
  }

  /** {@link #emptyOr(Setting, Pattern, String)} on the value as {@code expand} rewrites it. */
  String emptyOr(
      Setting s, Pattern pattern, String must, java.util.function.UnaryOperator<String> expand) {
    String value = expand.apply(string(s));
    if (!value.isEmpty() && !pattern.matcher(value).matches()) {
      throw new ConfigException(s.variable() + " must be " + must + ", was '" + shown(value) + "'");
    }
    return value;
  }

  List<String> cidrs(Setting s) {
    List<String> values = list(s);
    for (String cidr : values) {
      try {
        // the SSRF guard's own parser; a block needs its prefix length here
        if (!cidr.contains("/")) throw new IllegalArgumentException("no prefix length");
        CidrBlock.parse(cidr);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            s.variable()
                + " must be comma-separated CIDRs like 10.0.0.0/8 or ::1/128, '"
                + shown(cidr)
                + "' is not one");
      }
    }
    return values;
  }

  /**
   * The Kafka client settings Hookline chooses itself, for its correctness (exactly once, explicit
   * acknowledgements, its groups and transactional ids) or through a variable of its own: a client
   * properties file may not set them.
   */
  static final Set<String> OWN_KAFKA_SETTINGS =
      Set.of(
          "bootstrap.servers",
          "group.id",
          "group.instance.id",
          "group.protocol",
          "transactional.id",
          "application.id",
          "processing.guarantee",
          "isolation.level",
          "enable.idempotence",
          "share.acknowledgement.mode",
          "key.serializer",
          "value.serializer",
          "key.deserializer",
          "value.deserializer");

  /**
   * Empty: no settings. Else the path of a Java properties file (UTF-8), as Kafka's own tools take
   * with {@code --command-config}: its entries go to every Kafka client of the command.
   */
  Map<String, String> kafkaProperties(Setting s) {
    String value = string(s);
    if (value.isEmpty()) return Map.of();
    Path file;
    try {
      file = Path.of(value);
    } catch (InvalidPathException e) {
      throw new ConfigException(s.variable() + " is not a valid path: '" + shown(value) + "'");
    }
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (NoSuchFileException e) {
      throw new ConfigException(s.variable() + ": no such file '" + shown(value) + "'");
    } catch (IOException e) {
      throw new ConfigException(
          s.variable() + ": cannot read '" + shown(value) + "': " + shown(e.toString()));
    } catch (IllegalArgumentException e) { // a malformed \\uXXXX escape
      throw new ConfigException(
          s.variable() + ": '" + shown(value) + "' is not a properties file: " + e.getMessage());
    }
    Map<String, String> settings = new LinkedHashMap<>();
    new TreeMap<>(props)
        .forEach(
            (k, v) -> {
              String key = k.toString().trim();
              if (key.equals("bootstrap.servers")) {
                throw new ConfigException(
                    s.variable()
                        + ": set the brokers with "
                        + Setting.KAFKA_BOOTSTRAP_SERVERS.variable()
                        + ", not bootstrap.servers");
              }
              if (OWN_KAFKA_SETTINGS.contains(key)) {
                throw new ConfigException(
                    s.variable() + ": " + key + " is Hookline's own and cannot be set there");
              }
              if (!key.matches("[a-z0-9][a-z0-9._-]*")) {
                throw new ConfigException(
                    s.variable() + ": '" + shown(key) + "' is not a Kafka client setting");
              }
              settings.put(key, v.toString().trim());
            });
    return settings;
  }
}
