package dev.hookline.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.InvalidEventException;
import dev.hookline.producer.PublishException;
import dev.hookline.producer.PublishOptions;
import dev.hookline.producer.PublishedEvent;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.FieldError;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.TenantIds;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * {@code hookline publish <event-type> --data '<json>' | --data @file.json [--key K] [--tenant T]}.
 */
final class PublishCommand {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  static final String USAGE_LINE =
      "usage: hookline publish <event-type> --data '<json>' | --data @file.json | --example"
          + " [--key K] [--tenant T]";
  private static final String EXAMPLE = "\0example";

  private final PrintStream out;
  private final PrintStream err;

  PublishCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Parsed command line. */
  record Arguments(String type, String data, String key, String tenant) {}

  int run(List<String> args, HooklineConfig config, Map<String, String> env) {
    Arguments parsed;
    try {
      parsed = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("hookline publish: " + e.getMessage());
      err.println(USAGE_LINE);
      return USAGE;
    }
    EventCatalog catalog = EventCatalog.load();
    if (!catalog.contains(parsed.type())) {
      err.println(
          "hookline publish: unknown event type '"
              + parsed.type()
              + "'. Known types: "
              + String.join(", ", catalog.types().stream().map(t -> t.name()).toList()));
      return USAGE;
    }
    JsonNode data;
    try {
      data =
          EXAMPLE.equals(parsed.data())
              ? catalog.find(parsed.type()).orElseThrow().example()
              : readData(parsed.data());
    } catch (IllegalArgumentException e) {
      err.println("hookline publish: " + e.getMessage());
      err.println(USAGE_LINE);
      return USAGE;
    }
    List<FieldError> errors = catalog.validate(parsed.type(), data);
    if (!errors.isEmpty()) {
      reportInvalid(errors);
      return USAGE;
    }
    String bootstrap = bootstrapServers(config, env);
    PublisherConfig publisherConfig =
        PublisherConfig.builder(bootstrap)
            .source("urn:hookline:cli")
            .kafkaProperties(
                Roles.withKafkaProperties(
                    kafkaProperties(config, env, bootstrap),
                    Map.of(
                        "max.block.ms",
                        "10000",
                        "delivery.timeout.ms",
                        "15000",
                        "request.timeout.ms",
                        "10000")))
            .build();
    try (EventPublisher publisher = EventPublisher.create(publisherConfig, catalog)) {
      PublishedEvent published =
          publisher.publishSync(
              parsed.type(),
              data,
              PublishOptions.none().withKey(parsed.key()).withTenant(parsed.tenant()));
      out.println(
          "published "
              + published.id()
              + " ("
              + published.type()
              + ") to "
              + published.topic()
              + " partition "
              + published.partition()
              + " offset "
              + published.offset()
              + (parsed.tenant() == null ? "" : " for tenant " + parsed.tenant()));
      return OK;
    } catch (InvalidEventException e) {
      reportInvalid(e.errors());
      return USAGE;
    } catch (PublishException | CompletionException e) {
      err.println(
          "hookline publish: Kafka at "
              + bootstrap
              + " did not take the event: "
              + RootCause.message(e));
      return FAILED;
    }
  }

  private void reportInvalid(List<FieldError> errors) {
    err.println("hookline publish: invalid payload:");
    for (FieldError e : errors) err.println("  " + e.field() + ": " + e.message());
  }

  static Arguments parse(List<String> args) {
    String type = null;
    String data = null;
    String key = null;
    String tenant = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--data" -> data = value(args, ++i, "--data");
        case "--key" -> key = value(args, ++i, "--key");
        case "--tenant" -> {
          tenant = value(args, ++i, "--tenant");
          // refused here, before Kafka is even looked for: the same rule as the API's
          if (!TenantIds.isValid(tenant))
            throw new IllegalArgumentException("--tenant '" + tenant + "' " + TenantIds.RULE);
        }
        case "--example" -> data = EXAMPLE;
        default -> {
          if (arg.startsWith("--")) throw new IllegalArgumentException("unknown option " + arg);
          if (type != null)
            throw new IllegalArgumentException(
                "one event type only, got '" + type + "' and '" + arg + "'");
          type = arg;
        }
      }
    }
    if (type == null) throw new IllegalArgumentException("missing the event type");
    if (data == null) throw new IllegalArgumentException("missing --data (or --example)");
    return new Arguments(type, data, key, tenant);
  }

  private static String value(List<String> args, int index, String option) {
    if (index >= args.size()) throw new IllegalArgumentException(option + " needs a value");
    return args.get(index);
  }

  static JsonNode readData(String data) {
    String json = data;
    if (data.startsWith("@")) {
      Path file = Path.of(data.substring(1));
      try {
        json = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
      }
    }
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("--data is not valid JSON: " + firstLine(e.getMessage()));
    }
  }

  /** The CLI talks to a running {@code up} unless a broker is configured explicitly. */
  static String bootstrapServers(HooklineConfig config, Map<String, String> env) {
    if (env.containsKey(Setting.KAFKA_BOOTSTRAP_SERVERS.variable()))
      return config.kafkaBootstrapServers();
    Path marker = config.dataDir().resolve(AllInOne.KAFKA_ADDRESS_FILE);
    try {
      if (Files.isRegularFile(marker)) return Files.readString(marker).trim();
    } catch (IOException e) {
      // fall back to the configured default
    }
    return config.kafkaBootstrapServers();
  }

  /**
   * The deployment's Kafka client settings, unless {@code bootstrap} is a running {@code up}'s
   * broker ({@link #bootstrapServers}), which takes plain connections on loopback.
   */
  static Map<String, String> kafkaProperties(
      HooklineConfig config, Map<String, String> env, String bootstrap) {
    boolean up =
        !env.containsKey(Setting.KAFKA_BOOTSTRAP_SERVERS.variable())
            && !bootstrap.equals(config.kafkaBootstrapServers());
    return up ? Map.of() : config.kafkaProperties();
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
