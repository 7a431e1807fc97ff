package dev.hookline.worker;

import dev.hookline.schemas.Topics;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The share group's delivery count limit ({@code share.delivery.count.limit} of the group {@value
 * Topics#DISPATCHER_SHARE_GROUP}, which provisioning sets to 10, or of the {@code group.id} the
 * worker's client properties give; the broker's default, {@code group.share.delivery.count.limit},
 * is 5): past it the broker archives a record. Read from Kafka once, when first needed (a task that
 * could not be recorded); 5 when Kafka does not say.
 */
final class ShareGroupLimit {
  private static final Logger log = LoggerFactory.getLogger(ShareGroupLimit.class);
  static final String GROUP_CONFIG = "share.delivery.count.limit";
  static final int BROKER_DEFAULT = 5;

  private ShareGroupLimit() {}

  /** Reads the limit once, on first use, with the worker's Kafka client settings. */
  static IntSupplier of(String bootstrapServers, Map<String, String> clientProperties) {
    return new IntSupplier() {
      private volatile int limit;

      @Override
      public int getAsInt() {
        int n = limit;
        if (n == 0) limit = n = read(bootstrapServers, clientProperties);
        return n;
      }
    };
  }

  static int read(String bootstrapServers, Map<String, String> clientProperties) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // the group the worker consumes in: its consumers take group.id from the same properties
    ConfigResource group =
        new ConfigResource(
            ConfigResource.Type.GROUP,
            clientProperties.getOrDefault(
                ConsumerConfig.GROUP_ID_CONFIG, Topics.DISPATCHER_SHARE_GROUP));
    try (Admin admin = Admin.create(props)) {
      Config config =
          admin.describeConfigs(List.of(group)).all().get(15, TimeUnit.SECONDS).get(group);
      ConfigEntry entry = config == null ? null : config.get(GROUP_CONFIG);
      if (entry != null && entry.value() != null) return Integer.parseInt(entry.value());
      log.warn("share group {} has no {}: assuming {}", group.name(), GROUP_CONFIG, BROKER_DEFAULT);
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      log.warn(
          "could not read {} of share group {}, assuming {}: {}",
          GROUP_CONFIG,
          group.name(),
          BROKER_DEFAULT,
          e.toString(),
          e);
    }
    return BROKER_DEFAULT;
  }
}
