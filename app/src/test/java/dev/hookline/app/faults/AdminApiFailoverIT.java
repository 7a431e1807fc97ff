package dev.hookline.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.app.Api;
import dev.hookline.app.routing.RoutingKit;
import dev.hookline.schemas.Json;
import dev.hookline.store.Outbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two admin-api instances ({@code hookline admin-api}, each a child JVM) on one PostgreSQL and one
 * broker, as two replicas behind one address (issue #19, part 3). Webhook changes arrive through
 * both REST APIs in turn; the instance seen holding the outbox relay's lock ({@link
 * Outbox#RELAY_LOCK}, per batch) is killed with {@code kill -9}. The survivor relays on: every
 * outbox row is published, and a {@code read_committed} reader of {@code hookline.subscriptions}
 * finds each webhook's versions in order, none missing, the last one the database's. A batch the
 * dead instance sent but could not mark published is sent again by the survivor: those duplicates
 * are counted and logged, and must never put an older version after a newer one.
 */
class AdminApiFailoverIT {
  private static final Logger log = LoggerFactory.getLogger(AdminApiFailoverIT.class);
  private static final int WEBHOOKS = 20;
  private static final int CHANGES_AFTER_KILL = 200;

  @TempDir Path dir;

  @Test
  void theAdminApiRelayingKilledTheOtherRelaysEveryRowInOrder() throws Exception {
    try (FaultStack stack = FaultStack.start(dir)) {
      Map<String, Instance> instances = new LinkedHashMap<>();
      for (String name : List.of("admin-a", "admin-b")) {
        int port = FaultStack.freePort();
        instances.put(
            name,
            new Instance(
                name,
                stack.startAdminApi(name, port),
                new Api("http://127.0.0.1:" + port + "/api/v1", FaultStack.ADMIN_TOKEN)));
      }
      List<Instance> both = List.copyOf(instances.values());
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < WEBHOOKS; i++) {
        ids.add(
            both.get(i % 2)
                .api()
                .createWebhook(
                    "https://hooks.example.com/failover-" + i,
                    FaultStack.TYPE,
                    "\"active\": false"));
      }

      Writer writer = new Writer(both, ids);
      ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
      var unusedPacing = pacer.scheduleAtFixedRate(writer::change, 0, 25, TimeUnit.MILLISECONDS);
      String killed;
      String beforeKill;
      long handoverNanos;
      long pendingAtKill;
      int changesBeforeKill;
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> writer.done.get() >= 100 && writer.byInstance.size() == 2);
        // the lock is held only while a batch is relayed: poll until one instance is caught in it
        AtomicReference<String> holder = new AtomicReference<>();
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInSameThread()
            .pollInterval(Duration.ZERO)
            .until(
                () -> relayLockHolder(stack).map(h -> holder.compareAndSet(null, h)).orElse(false));
        killed = holder.get();
        Instance victim = instances.get(killed);
        beforeKill = dbNow(stack);
        victim.jvm().kill();
        long killedAt = System.nanoTime();
        changesBeforeKill = writer.done.get();
        pendingAtKill =
            Ledger.count(stack.db(), "select count(*) from outbox where published_at is null");
        writer.dead.add(killed);
        log.info(
            "killed {} (kill -9) while it held the relay lock; {} outbox rows pending",
            killed,
            pendingAtKill);

        await("the survivor relays")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(
                () ->
                    Ledger.count(
                            stack.db(),
                            "select count(*) from outbox where published_at > ?::timestamptz",
                            List.of(beforeKill))
                        > 0);
        handoverNanos = System.nanoTime() - killedAt;
        int atHandover = writer.done.get();
        await()
            .atMost(Duration.ofSeconds(120))
            .until(() -> writer.done.get() >= atHandover + CHANGES_AFTER_KILL);
      } finally {
        pacer.shutdownNow();
        assertThat(pacer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(writer.failures).as("requests that failed on the survivor too").isEmpty();

      await("every outbox row published")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () ->
                  Ledger.count(stack.db(), "select count(*) from outbox where published_at is null")
                      == 0);

      Map<String, List<Row>> outbox = outboxRows(stack, ids, beforeKill);
      Map<String, List<String>> onTopic = new HashMap<>();
      for (ConsumerRecord<String, String> r :
          RoutingKit.subscriptionRecords(stack.bootstrapServers(), Set.copyOf(ids))) {
        onTopic.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
      }
      Map<String, Long> latest = latestVersions(stack, ids);
      int rows = 0;
      int records = 0;
      for (String id : ids) {
        List<Long> versions = onTopic.get(id).stream().map(AdminApiFailoverIT::version).toList();
        assertThat(versions).as("versions of %s in topic order", id).isSorted();
        assertThat(versions.stream().distinct().toList())
            .as("every version of %s, none missing", id)
            .isEqualTo(LongStream.rangeClosed(1, latest.get(id)).boxed().toList());
        assertThat(onTopic.get(id).getLast())
            .as("the last record of %s is the last outbox row", id)
            .isEqualTo(outbox.get(id).getLast().payload());
        assertPublishedOnce(id, outbox.get(id), onTopic.get(id));
        rows += outbox.get(id).size();
        records += onTopic.get(id).size();
      }
      String survivor = killed.equals("admin-a") ? "admin-b" : "admin-a";
      assertThat(instances.get(survivor).jvm().healthy()).as(survivor).isTrue();
      assertThat(writer.byInstance.get(survivor).get())
          .as("changes through the survivor")
          .isGreaterThan(CHANGES_AFTER_KILL);
      int duplicates = records - rows;
      log.info(
          "FAULT admin-api relaying killed: {} killed after {} changes ({} outbox rows pending),"
              + " {} relayed again {} s after the kill; {} changes through the REST APIs {},"
              + " {} outbox rows, {} records on the topic: {} sent twice ({}%), none out of order",
          killed,
          changesBeforeKill,
          pendingAtKill,
          survivor,
          Faults.seconds(handoverNanos),
          writer.done.get(),
          writer.byInstance,
          rows,
          records,
          duplicates,
          Faults.percent(duplicates, rows));
    }
  }

  private record Instance(String name, RoleJvm jvm, Api api) {}

  /** An outbox row: its payload, and whether it was marked published before the kill. */
  private record Row(String payload, boolean beforeKill) {}

  /**
   * Every row is on the topic; those marked published before the kill exactly as often as the
   * outbox holds them: only the batch the dead instance could not mark may be sent twice.
   */
  private static void assertPublishedOnce(String id, List<Row> rows, List<String> records) {
    Map<String, Long> onTopic =
        records.stream().collect(Collectors.groupingBy(p -> p, Collectors.counting()));
    Map<String, List<Row>> byPayload = rows.stream().collect(Collectors.groupingBy(Row::payload));
    byPayload.forEach(
        (payload, same) -> {
          long times = onTopic.getOrDefault(payload, 0L);
          if (same.stream().allMatch(Row::beforeKill)) {
            assertThat(times)
                .as("%s: a row published before the kill, on the topic: %s", id, payload)
                .isEqualTo(same.size());
          } else {
            assertThat(times)
                .as("%s: on the topic: %s", id, payload)
                .isGreaterThanOrEqualTo(same.size());
          }
        });
  }

  /**
   * Changes one webhook per call ({@code description}, which bumps its version), through the
   * instances in turn, as a load balancer would spread them; a request the dead instance cannot
   * answer goes to the other, as a load balancer retries a refused connection.
   */
  private static final class Writer {
    final List<Instance> instances;
    final List<String> ids;
    final Set<String> dead = ConcurrentHashMap.newKeySet();
    final AtomicInteger done = new AtomicInteger();
    final Map<String, AtomicInteger> byInstance = new ConcurrentHashMap<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    private int n;

    Writer(List<Instance> instances, List<String> ids) {
      this.instances = instances;
      this.ids = ids;
    }

    void change() {
      int i = n++;
      String id = ids.get(i % ids.size());
      String body = "{\"description\": \"change " + i + "\"}";
      for (int k = 0; k < instances.size(); k++) {
        Instance to = instances.get((i + k) % instances.size());
        if (dead.contains(to.name())) continue;
        try {
          to.api().call("PATCH", "/webhooks/" + id, body, 200);
          done.incrementAndGet();
          byInstance.computeIfAbsent(to.name(), x -> new AtomicInteger()).incrementAndGet();
          return;
        } catch (IOException e) {
          // the instance is gone (killed meanwhile): the next one takes the request
        } catch (InterruptedException e) {
          // the test stopping its load (shutdownNow) mid-request: not the instance's failure
          Thread.currentThread().interrupt();
          return;
        } catch (Throwable e) {
          failures.add(to.name() + ": " + e);
          return;
        }
      }
      failures.add("no instance answered change " + i);
    }
  }

  /** The {@code application_name} of the session holding the relay's lock, if one does. */
  private static Optional<String> relayLockHolder(FaultStack stack) {
    try (Connection c = stack.db().dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid"
                    + " where l.locktype = 'advisory' and l.granted and l.objsubid = 1"
                    + " and ((l.classid::bigint << 32) | l.objid::bigint) = ?")) {
      ps.setLong(1, Outbox.RELAY_LOCK);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String dbNow(FaultStack stack) throws SQLException {
    try (Connection c = stack.db().dataSource().getConnection();
        ResultSet rs = c.createStatement().executeQuery("select clock_timestamp()::text")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Each webhook's outbox rows, in seq order. */
  private static Map<String, List<Row>> outboxRows(
      FaultStack stack, List<String> ids, String beforeKill) throws SQLException {
    Map<String, List<Row>> rows = new HashMap<>();
    try (Connection c = stack.db().dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select record_key, payload, published_at < ?::timestamptz from outbox"
                    + " where record_key = any(?) order by seq")) {
      ps.setString(1, beforeKill);
      ps.setArray(2, c.createArrayOf("text", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next())
          rows.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(new Row(rs.getString(2), rs.getBoolean(3)));
      }
    }
    return rows;
  }

  private static Map<String, Long> latestVersions(FaultStack stack, List<String> ids)
      throws SQLException {
    try (Connection c = stack.db().dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("select id::text, version from webhooks where id::text = any(?)")) {
      ps.setArray(1, c.createArrayOf("text", ids.toArray()));
      Map<String, Long> versions = new HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) versions.put(rs.getString(1), rs.getLong(2));
      }
      assertThat(versions).hasSize(ids.size());
      return versions;
    }
  }

  private static long version(String payload) {
    try {
      return Json.MAPPER.readTree(payload).get("version").asLong();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
