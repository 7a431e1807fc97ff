package dev.hookline.app;

import dev.hookline.app.embedded.TopicProvisioner;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.store.Database;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The {@code hookline} command: one role, all of them ({@code up}), {@code publish} or {@code
 * status}.
 */
public final class Main {
  private static final String HELP =
      """
      usage: hookline <command>
        up                          everything in one process, on an embedded Kafka and PostgreSQL
        admin-api                   the REST API and outbox relay, against HOOKLINE_KAFKA_* / HOOKLINE_DB_*
        router                      the Kafka Streams router
        worker                      a dispatcher worker (run as many as you need)
        publish <type> --data JSON  publish one event (--data @file.json reads a file; --key K)
        status                      Kafka, PostgreSQL, webhooks, deliveries, retries, lag, open circuits;
                                    exit code 1 when Kafka or PostgreSQL cannot be reached
        help                        this text
      Configuration: HOOKLINE_* environment variables (see docs/configuration.md).""";

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("status")) quietKafkaClients();
    int code = run(Arrays.asList(args), System.getenv(), System.out, System.err);
    if (code >= 0) System.exit(code);
    // a long-running role: the shutdown hook ends the process
  }

  /**
   * The status screen says when Kafka cannot be reached; the client's own reconnect warnings would
   * only repeat it, many times.
   */
  private static void quietKafkaClients() {
    if (LoggerFactory.getLogger("org.apache.kafka") instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(ch.qos.logback.classic.Level.ERROR);
    }
  }

  /** Runs a command; returns its exit code, or -1 when a role keeps running in the background. */
  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.isEmpty() || List.of("help", "--help", "-h").contains(args.get(0))) {
      out.println(HELP);
      return args.isEmpty() ? 2 : 0;
    }
    String command = args.get(0);
    try {
      HooklineConfig config = HooklineConfig.fromEnv(env);
      switch (command) {
        case "publish" -> {
          return new PublishCommand(out, err).run(args.subList(1, args.size()), config, env);
        }
        case "status" -> {
          return new StatusCommand(out).run(config, env);
        }
        case "up" -> {
          // the hook first: a Ctrl-C while it starts stops what has started, PostgreSQL included
          AllInOne.start(config, out, runUntilStopped(new Running()));
          return -1;
        }
        case "admin-api", "router", "worker" -> {
          runUntilStopped(startRole(command, config));
          return -1;
        }
        default -> {
          err.println("hookline: unknown command '" + command + "'");
          err.println(HELP);
          return 2;
        }
      }
    } catch (ConfigException | StartupException e) {
      err.println("hookline " + command + ": " + e.getMessage());
      LoggerFactory.getLogger(Main.class).debug("startup failure", e);
      return 1;
    } catch (RuntimeException e) {
      err.println("hookline " + command + ": failed: " + RootCause.message(e));
      LoggerFactory.getLogger(Main.class).debug("unexpected failure", e);
      return 1;
    }
  }

  /** One role against external Kafka and PostgreSQL. */
  static Running startRole(String role, HooklineConfig config) {
    Running running = new Running();
    try {
      PrometheusMeterRegistry metrics = Roles.metrics();
      EventCatalog catalog = EventCatalog.load();
      switch (role) {
        case "admin-api" -> {
          config.requireAdminTokens().requireSecretKey();
          Database db = running.add(Roles.database(config));
          Roles.checkKafka(config);
          TopicProvisioner.provision(
              config.kafkaBootstrapServers(),
              config.kafkaProperties(),
              config.topicPartitions(),
              (short) config.topicReplicationFactor());
          Roles.adminApi(config, db, catalog, metrics, null, running);
        }
        case "router" -> {
          Roles.checkKafka(config);
          var router = Roles.router(config, catalog, metrics, running);
          running.add(
              OpsServer.start(
                  config.httpBindHost(), config.httpPort(), role, router::isRunning, metrics));
        }
        case "worker" -> {
          config.requireSecretKey();
          Database db = running.add(Roles.database(config));
          Roles.checkKafka(config);
          var worker = Roles.worker(config, db, metrics, running);
          running.add(
              OpsServer.start(
                  config.httpBindHost(), config.httpPort(), role, worker::isRunning, metrics));
        }
        default -> throw new IllegalArgumentException(role);
      }
      System.out.println("hookline " + role + " started");
      return running;
    } catch (java.io.IOException e) {
      running.close();
      throw new StartupException(
          "cannot listen on "
              + Setting.HTTP_HOST.variable()
              + "="
              + config.httpBindHost()
              + " "
              + Setting.HTTP_PORT.variable()
              + "="
              + config.httpPort()
              + ": "
              + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      running.close();
      throw e;
    }
  }

  /** The process lives on in the roles' threads; Ctrl-C (or SIGTERM) runs the hook. */
  private static Running runUntilStopped(Running running) {
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "hookline-shutdown"));
    return running;
  }
}
