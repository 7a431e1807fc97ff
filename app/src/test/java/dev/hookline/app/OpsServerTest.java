package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class OpsServerTest {
  @Test
  void listensOnTheGivenInterfaceOnly() throws Exception {
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (OpsServer server = OpsServer.start("127.0.0.1", 0, "router", () -> true, metrics)) {
      assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"role\":\"router\"");
    }
    try (OpsServer server = OpsServer.start("0.0.0.0", 0, "worker", () -> true, metrics)) {
      assertThat(server.address().getAddress().isAnyLocalAddress()).isTrue();
    }
  }
}
