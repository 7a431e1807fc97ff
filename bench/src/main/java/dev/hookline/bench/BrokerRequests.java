package dev.hookline.bench;

import java.lang.management.ManagementFactory;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * How many requests of each kind the in-process broker served, from its own request meters (the
 * {@code kafka.network:type=RequestMetrics,name=RequestsPerSec} MBeans in the bench JVM). A count,
 * not a time: it does not move with how busy the machine is, so a change that saves requests (the
 * router's commit interval, the share consumers' fetches and acknowledgements) shows in it even
 * when the CPU figures are lost in the noise.
 */
final class BrokerRequests {
  private static final String PATTERN =
      "kafka.network:type=RequestMetrics,name=RequestsPerSec,request=*,*";

  /** The broker meters fetches twice: as {@code Fetch} and again by who asked. */
  private static final Set<String> SUBCOUNTS = Set.of("FetchConsumer", "FetchFollower");

  private BrokerRequests() {}

  /** Requests served since the broker started, by request name (all versions summed). */
  static Map<String, Long> snapshot() {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Map<String, Long> counts = new HashMap<>();
    try {
      for (ObjectName name : server.queryNames(new ObjectName(PATTERN), null)) {
        Object count = server.getAttribute(name, "Count");
        if (count instanceof Number n && !SUBCOUNTS.contains(name.getKeyProperty("request"))) {
          counts.merge(name.getKeyProperty("request"), n.longValue(), Long::sum);
        }
      }
    } catch (JMException e) {
      // an MBean gone between the query and the read: the figure is missing, not wrong
      return Map.of();
    }
    return counts;
  }

  /**
   * Requests of each kind per delivery between two snapshots, the most frequent first, to two
   * decimals; kinds below 0.01 per delivery are left out.
   */
  static Map<String, Double> perDelivery(
      Map<String, Long> before, Map<String, Long> after, long deliveries) {
    Map<String, Double> result = new LinkedHashMap<>();
    if (deliveries <= 0) return result;
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
        .forEach(
            e -> {
              double each = Math.round(e.getValue() * 100.0 / deliveries) / 100.0;
              if (each >= 0.01) result.put(e.getKey(), each);
            });
    return result;
  }

  /** All requests per delivery between two snapshots, to two decimals. */
  static double total(Map<String, Long> before, Map<String, Long> after, long deliveries) {
    if (deliveries <= 0) return 0;
    long sum = 0;
    for (var e : after.entrySet()) sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    return Math.round(sum * 100.0 / deliveries) / 100.0;
  }

  /** The scenario figures: {@code brokerRequestsPerDelivery} and the same by kind. */
  static Map<String, Object> figures(
      Map<String, Long> before, Map<String, Long> after, long deliveries) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("brokerRequestsPerDelivery", total(before, after, deliveries));
    f.put("brokerRequestsPerDeliveryByKind", perDelivery(before, after, deliveries));
    return f;
  }
}
