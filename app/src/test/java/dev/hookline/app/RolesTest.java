package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** The one line {@link Roles#checkKafka} gives for each way Kafka does not answer. */
class RolesTest {
  private static final String BROKERS = "kafka.example:9093";

  @Test
  void aFailedTlsHandshakeNamesTheTruststoreNotTheCredentials() {
    // what the admin client's future throws when the broker's certificate is not trusted
    Exception e =
        new ExecutionException(
            new SslAuthenticationException(
                "SSL handshake failed",
                new SSLHandshakeException("unable to find valid certification path")));
    assertThat(Roles.unreachable(BROKERS, e))
        .isEqualTo(
            "Kafka at kafka.example:9093: the TLS handshake failed, check ssl.truststore.* of"
                + " HOOKLINE_KAFKA_CONFIG_FILE: unable to find valid certification path");
  }

  @Test
  void refusedCredentialsSaySo() {
    Exception e =
        new ExecutionException(
            new SaslAuthenticationException("Authentication failed: Invalid username or password"));
    assertThat(Roles.unreachable(BROKERS, e))
        .isEqualTo(
            "Kafka at kafka.example:9093 refused the credentials of HOOKLINE_KAFKA_CONFIG_FILE:"
                + " Authentication failed: Invalid username or password");
  }

  @Test
  void nothingThatAnswersIsUnreachable() {
    Exception e = new ExecutionException(new TimeoutException("Timed out waiting for a node"));
    assertThat(Roles.unreachable(BROKERS, e))
        .isEqualTo(
            "cannot reach Kafka at kafka.example:9093 (HOOKLINE_KAFKA_BOOTSTRAP_SERVERS):"
                + " Timed out waiting for a node");
  }
}
