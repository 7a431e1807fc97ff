package dev.hookline.app;

import dev.hookline.store.CircuitBreakerLog.OpenCircuit;
import dev.hookline.store.StoreStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code hookline status}: one screen for operators, from the same {@code HOOKLINE_*} settings as
 * the roles (or, with none set, from a running {@code up}'s data dir). Kafka and PostgreSQL are
 * asked at once, each within {@link #BUDGET}; what cannot be reached is shown as {@code unreachable
 * (reason)} and makes the exit code 1.
 */
final class StatusCommand {
  static final int OK = 0;
  static final int UNREACHABLE = 1;
  static final Duration BUDGET = Duration.ofSeconds(6);

  private final PrintStream out;

  StatusCommand(PrintStream out) {
    this.out = out;
  }

  int run(HooklineConfig config, Map<String, String> env) {
    String bootstrap = PublishCommand.bootstrapServers(config, env);
    DbSettings db = DbSettings.of(config, env);
    KafkaStatus.Deadline deadline = KafkaStatus.Deadline.in(BUDGET);
    Probe<KafkaStatus> kafka;
    Probe<StoreStatus> store;
    try (ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor()) {
      CompletableFuture<Probe<KafkaStatus>> k =
          CompletableFuture.supplyAsync(
              () ->
                  KafkaStatus.read(
                      bootstrap, PublishCommand.kafkaProperties(config, env, bootstrap), deadline),
              checks);
      CompletableFuture<Probe<StoreStatus>> s =
          CompletableFuture.supplyAsync(
              () -> Probe.of(() -> StoreStatus.read(db.source())), checks);
      kafka = within(k, deadline);
      store = within(s, deadline);
      checks.shutdownNow(); // a check still running past the deadline is abandoned
    }
    print(bootstrap, db.url(), kafka, store);
    return kafka instanceof Probe.Ok && store instanceof Probe.Ok ? OK : UNREACHABLE;
  }

  /** The check's result, or "no answer" when it runs past the deadline (plus a little slack). */
  private static <T> Probe<T> within(CompletableFuture<Probe<T>> check, KafkaStatus.Deadline d) {
    try {
      return check.get(d.remaining().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Probe.Failed<>("interrupted");
    } catch (Exception e) {
      return new Probe.Failed<>("no answer within " + BUDGET.toSeconds() + " s");
    }
  }

  private void print(
      String bootstrap, String dbUrl, Probe<KafkaStatus> kafka, Probe<StoreStatus> store) {
    Map<String, String> lines = new LinkedHashMap<>();
    lines.put(
        "Kafka", describe(kafka, k -> "ok, " + plural(k.brokers(), "broker")) + " at " + bootstrap);
    lines.put("PostgreSQL", describe(store, s -> "ok") + " at " + withoutParameters(dbUrl));
    lines.put(
        "Webhooks",
        describe(
            store,
            s ->
                s.webhooks().active()
                    + " active, "
                    + s.webhooks().inactive()
                    + " inactive, "
                    + s.webhooks().disabled()
                    + " disabled"));
    lines.put(
        "Attempts (1 min)",
        describe(
            store,
            s ->
                s.lastMinute().succeeded()
                    + " succeeded, "
                    + s.lastMinute().httpError()
                    + " failed with an HTTP status, "
                    + s.lastMinute().noResponse()
                    + " without a response"));
    lines.put(
        "Retries",
        describe(
            store, s -> s.retries().due() + " due now, " + s.retries().scheduled() + " scheduled"));
    lines.put(
        "Dispatchers",
        describe(
            kafka,
            k ->
                describe(
                    k.dispatchers(),
                    d ->
                        "share group hookline-dispatchers: "
                            + plural(d.workers(), "worker")
                            + " with "
                            + plural(d.members(), "consumer")
                            + " ("
                            + d.state()
                            + "), lag "
                            + d.lag()
                            + " on hookline.deliveries")));
    lines.put(
        "Invalid events",
        describe(
            kafka,
            k ->
                describe(
                    k.invalidEvents(),
                    n -> n + " in hookline.invalid-events (offsets, with transaction markers)")));
    lines.put("Open circuits", describe(store, s -> circuits(s.openCircuits())));
    lines.forEach((label, text) -> out.printf("%-17s %s%n", label, text));
  }

  /** "N webhook(s)", then one indented line per webhook with the workers whose circuit is open. */
  private static String circuits(List<OpenCircuit> open) {
    Map<java.util.UUID, List<OpenCircuit>> byWebhook = new LinkedHashMap<>();
    open.forEach(
        c -> byWebhook.computeIfAbsent(c.webhookId(), id -> new java.util.ArrayList<>()).add(c));
    StringBuilder text = new StringBuilder(plural(byWebhook.size(), "webhook"));
    if (open.size() >= StoreStatus.MAX_CIRCUITS)
      text.append(" (the newest ").append(open.size()).append(" rows)");
    byWebhook.forEach(
        (id, rows) -> {
          OpenCircuit newest = rows.get(0);
          text.append(System.lineSeparator())
              .append("                    ")
              .append(
                  newest.webhookName() == null
                      ? "(unknown webhook)"
                      : "\"" + newest.webhookName() + "\"")
              .append(' ')
              .append(id)
              .append(": ")
              .append(
                  newest.state() == dev.hookline.store.CircuitBreakerLog.State.OPEN
                          && newest.openUntil() != null
                      ? "open until " + newest.openUntil().truncatedTo(ChronoUnit.SECONDS)
                      : "half-open (probing)")
              .append(" in ")
              .append(plural(rows.size(), "worker"));
        });
    return text.toString();
  }

  private static <T> String describe(Probe<T> probe, java.util.function.Function<T, String> ok) {
    return switch (probe) {
      case Probe.Ok<T> o -> ok.apply(o.value());
      case Probe.Failed<T> f -> "unreachable (" + f.reason() + ")";
    };
  }

  /** A JDBC URL may carry the password as a parameter: never print those. */
  static String withoutParameters(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /**
   * The database to look at: {@code HOOKLINE_DB_*} when {@code HOOKLINE_DB_URL} is set, else the
   * one a running {@code up} wrote into the data dir, else the defaults.
   */
  record DbSettings(String url, String user, String password) {
    static DbSettings of(HooklineConfig config, Map<String, String> env) {
      if (!env.containsKey(Setting.DB_URL.variable())) {
        Path file = config.dataDir().resolve(AllInOne.DATABASE_FILE);
        if (Files.isRegularFile(file)) {
          Properties p = new Properties();
          try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
            return new DbSettings(
                p.getProperty("url"), p.getProperty("user"), p.getProperty("password"));
          } catch (IOException | IllegalArgumentException e) {
            // fall back to the configured database
          }
        }
      }
      return new DbSettings(config.dbUrl(), config.dbUser(), config.dbPassword());
    }

    /** A connection per query, no pool: bounded connect, login and read timeouts. */
    PGSimpleDataSource source() {
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setURL(url);
      ds.setUser(user);
      ds.setPassword(password);
      ds.setConnectTimeout(3);
      ds.setLoginTimeout(3);
      ds.setSocketTimeout((int) BUDGET.toSeconds());
      ds.setApplicationName("hookline status");
      return ds;
    }
  }
}
