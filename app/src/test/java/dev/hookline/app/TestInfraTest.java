package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.Topics;
import dev.hookline.store.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

class TestInfraTest {
  @Test
  void sharedBrokerIsStartedOnceWithTheHooklineTopics() throws Exception {
    String bootstrap = TestInfra.bootstrapServers();
    assertThat(TestInfra.bootstrapServers()).isEqualTo(bootstrap);
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
          .contains(
              Topics.SUBSCRIPTIONS, Topics.DELIVERIES, Topics.DEAD_LETTER, Topics.INVALID_EVENTS);
    }
  }

  @Test
  void eachFreshDatabaseIsANewEmptyOne() throws Exception {
    DatabaseConfig first = TestInfra.freshDatabase();
    DatabaseConfig second = TestInfra.freshDatabase();
    assertThat(first.url()).isNotEqualTo(second.url());
    try (Connection c = DriverManager.getConnection(first.url(), first.user(), first.password());
        Statement s = c.createStatement()) {
      s.execute("create table only_here (v int)");
    }
    try (Connection c =
            DriverManager.getConnection(second.url(), second.user(), second.password());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select count(*) from information_schema.tables where table_name = 'only_here'")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }
}
