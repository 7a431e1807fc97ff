package dev.hookline.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauge {@value #METRIC}: records of {@code hookline.deliveries} the dispatchers' share group
 * has not delivered and acknowledged yet, read from the broker every {@code interval} (the figure
 * {@code hookline status} shows). Every worker exports it, so alert on the maximum. NaN while the
 * broker does not answer: an unknown lag must not look like an empty queue.
 */
final class ShareGroupLag implements AutoCloseable {
  static final String METRIC = "hookline.share.group.lag";
  private static final Logger LOG = LoggerFactory.getLogger(ShareGroupLag.class);

  private final Admin admin;
  private final String group;
  private final String topic;
  private final Duration interval;
  private final AtomicLong lag = new AtomicLong(-1);
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofVirtual().name("hookline-share-group-lag").factory());
  private volatile String lastFailure;

  ShareGroupLag(
      String bootstrapServers,
      Map<String, String> clientProperties,
      String group,
      String topic,
      Duration interval,
      MeterRegistry registry) {
    this.group = group;
    this.topic = topic;
    this.interval = interval;
    Properties props = new Properties();
    props.putAll(clientProperties); // security settings, when there are
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "hookline-share-group-lag");
    this.admin = Admin.create(props);
    Gauge.builder(METRIC, lag, l -> l.get() < 0 ? Double.NaN : l.get())
        .description("records of " + topic + " not yet delivered by share group " + group)
        .tag("group", group)
        .register(registry);
  }

  ShareGroupLag start() {
    var unused =
        timer.scheduleWithFixedDelay(this::read, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  private void read() {
    try {
      KafkaStatus.Deadline deadline = KafkaStatus.Deadline.in(interval.plusSeconds(5));
      lag.set(KafkaStatus.dispatchers(admin, group, topic, deadline).lag());
      lastFailure = null;
    } catch (Exception e) {
      lag.set(-1);
      String failure = e.getClass().getSimpleName() + ": " + e.getMessage();
      if (!failure.equals(lastFailure)) LOG.warn("cannot read the share group's lag: {}", failure);
      lastFailure = failure;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    admin.close(Duration.ofSeconds(2));
  }
}
