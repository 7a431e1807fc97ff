package dev.hookline.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.app.embedded.BrokerCluster;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three brokers (issue #19): the topics are provisioned with three replicas and {@code
 * min.insync.replicas} 2 (from the cluster's size), Kafka's internal topics likewise; in the middle
 * of a stream of events the broker leading partitions of both {@code hookline.deliveries} and the
 * events topic is killed ({@code kill -9}) and started again later. The publisher, the router and
 * the worker carry on with the two others and take the third back without being restarted; every
 * (event, webhook) pair ends {@code succeeded}, nothing is half written. The longest pause in
 * arrivals around the kill and the duplicates are logged, not bounded.
 */
class BrokerFailoverIT {
  private static final Logger log = LoggerFactory.getLogger(BrokerFailoverIT.class);
  private static final int EVENTS_PER_SECOND = 20;
  private static final List<String> PATHS = List.of("/a", "/b");

  @TempDir Path dir;

  @Test
  void theBrokerLeadingDeliveriesAndEventsKilledMidLoadLosesNoDelivery() throws Exception {
    Path brokers = Files.createDirectories(dir.resolve("brokers"));
    String eventsTopic = EventCatalog.load().find(FaultStack.TYPE).orElseThrow().topic();
    try (BrokerCluster kafka = BrokerCluster.start(brokers, FaultStack::freePort);
        FaultStack stack = FaultStack.startOn(dir, kafka.bootstrapServers());
        HookReceiver receiver = new HookReceiver();
        Admin admin = kafka.admin()) {
      for (String topic : List.of(Topics.DELIVERIES, eventsTopic)) {
        TopicDescription d = describe(admin, topic);
        assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
        assertThat(minInsync(admin, topic)).as(topic + " min.insync.replicas").isEqualTo("2");
      }
      List<UUID> webhooks =
          PATHS.stream().map(p -> stack.webhook("brokers" + p, receiver.url(p), null)).toList();
      stack.startRouter();
      RoleJvm worker = stack.startWorker("worker-brokers");
      try (Load load = new Load(stack.bootstrapServers())) {
        load.warmUp(() -> receiver.count() > 0).start(EVENTS_PER_SECOND);
        Faults.awaitArrivals(receiver, 100);

        int victim = leaderOfBoth(admin, eventsTopic);
        long killed = System.nanoTime();
        kafka.kill(victim);
        log.info("killed broker {} after {} requests received", victim, receiver.count());
        // delivery goes on with two brokers: the leaders move, min.insync.replicas 2 still holds
        Faults.awaitArrivals(receiver, receiver.count() + 120);
        kafka.restart(victim);
        kafka.awaitBrokers(BrokerCluster.SIZE);
        long restarted = System.nanoTime();
        log.info("broker {} back after {} requests received", victim, receiver.count());
        Faults.awaitPublished(load, load.published() + 5 * EVENTS_PER_SECOND);

        Map<String, Long> published = load.stop();
        List<UUID> pairs = Ledger.pairs(published.keySet(), webhooks);
        Ledger.awaitAllSucceeded(stack.db(), pairs, Duration.ofMinutes(3));
        long done = System.nanoTime();

        Faults.assertRecoveredLosingNothing(stack, receiver, PATHS, published.keySet(), worker);
        int duplicates = PATHS.stream().mapToInt(receiver::duplicates).sum();
        log.info(
            "FAULT broker {} of 3 (leading partitions of {} and {}) killed mid-load, back {} s"
                + " later: {} events x {} webhooks = {} deliveries, all succeeded, none half"
                + " written; longest pause in arrivals after the kill {} s; all recorded {} s after"
                + " the kill; {} duplicates at the receiver ({}%); publish-to-receive {}",
            victim,
            Topics.DELIVERIES,
            eventsTopic,
            Faults.seconds(restarted - killed),
            published.size(),
            PATHS.size(),
            pairs.size(),
            Faults.seconds(longestPauseAfter(receiver, killed)),
            Faults.seconds(done - killed),
            duplicates,
            Faults.percent(duplicates, pairs.size()),
            Faults.latency(published, receiver.firstArrivals("/a"), receiver.firstArrivals("/b")));
      }
    }
  }

  /** The broker leading the most partitions of the two topics, at least one of each. */
  private static int leaderOfBoth(Admin admin, String eventsTopic) throws Exception {
    Map<Integer, Integer> deliveries = leaders(describe(admin, Topics.DELIVERIES));
    Map<Integer, Integer> events = leaders(describe(admin, eventsTopic));
    return deliveries.keySet().stream()
        .filter(events::containsKey)
        .max((a, b) -> deliveries.get(a) + events.get(a) - deliveries.get(b) - events.get(b))
        .orElseThrow(() -> new AssertionError("no broker leads both " + deliveries + events));
  }

  private static Map<Integer, Integer> leaders(TopicDescription d) {
    Map<Integer, Integer> counts = new HashMap<>();
    d.partitions().forEach(p -> counts.merge(p.leader().id(), 1, Integer::sum));
    return counts;
  }

  private static TopicDescription describe(Admin admin, String topic) throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get(30, TimeUnit.SECONDS)
        .get(topic);
  }

  private static String minInsync(Admin admin, String topic) throws Exception {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
    return config.get("min.insync.replicas").value();
  }

  /** The longest gap between two requests at the receiver, from the last one before the kill. */
  private static long longestPauseAfter(HookReceiver receiver, long killed) {
    long[] times =
        PATHS.stream()
            .flatMap(p -> receiver.arrivals(p).stream())
            .mapToLong(HookReceiver.Arrival::nanos)
            .sorted()
            .toArray();
    long longest = 0;
    for (int i = 1; i < times.length; i++)
      if (times[i] >= killed) longest = Math.max(longest, times[i] - times[i - 1]);
    return longest;
  }
}
