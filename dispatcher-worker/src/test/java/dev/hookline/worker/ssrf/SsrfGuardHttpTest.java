package dev.hookline.worker.ssrf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real HttpClient 5 requests against real servers. Network rule: traffic only ever goes to
 * loopback; the private and metadata addresses below are fake DNS answers that the guard refuses
 * before any socket exists.
 */
class SsrfGuardHttpTest {

  private static final ConnectionConfig FAST =
      ConnectionConfig.custom()
          .setConnectTimeout(Timeout.ofSeconds(5))
          .setSocketTimeout(Timeout.ofSeconds(5))
          .build();

  private LoopbackServer v4;
  private LoopbackServer v6;

  @BeforeEach
  void start() throws IOException {
    v4 = LoopbackServer.ok(InetAddress.getByName("127.0.0.1"));
    v6 = ipv6LoopbackAvailable() ? LoopbackServer.ok(InetAddress.getByName("::1")) : null;
  }

  @AfterEach
  void stop() throws IOException {
    v4.close();
    if (v6 != null) {
      v6.close();
    }
  }

  /** Both wirings: DNS layer only on a plain builder, and the two-layer builder. */
  enum Wiring {
    DNS_ONLY(
        policy -> SsrfGuard.configure(PoolingHttpClientConnectionManagerBuilder.create(), policy)),
    DNS_AND_SOCKET(SsrfGuard::connectionManagerBuilder);

    final Function<AddressPolicy, PoolingHttpClientConnectionManagerBuilder> builder;

    Wiring(Function<AddressPolicy, PoolingHttpClientConnectionManagerBuilder> builder) {
      this.builder = builder;
    }

    CloseableHttpClient client(AddressPolicy policy) {
      // Like the worker: redirects are not followed.
      return HttpClients.custom()
          .disableRedirectHandling()
          .setConnectionManager(builder.apply(policy).setDefaultConnectionConfig(FAST).build())
          .build();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "DNS_ONLY|127.0.0.1",
        "DNS_AND_SOCKET|127.0.0.1",
        "DNS_ONLY|localhost",
        "DNS_AND_SOCKET|localhost",
        "DNS_ONLY|[::1]",
        "DNS_AND_SOCKET|[::1]"
      })
  void loopbackTargetsAreRefusedBeforeConnecting(String wiringAndHost) throws IOException {
    Wiring wiring = Wiring.valueOf(wiringAndHost.split("\\|")[0]);
    String host = wiringAndHost.split("\\|")[1];
    LoopbackServer server = serverFor(host);

    try (CloseableHttpClient client = wiring.client(AddressPolicy.strict())) {
      Throwable failure =
          catchThrowable(() -> get(client, "http://" + host + ":" + server.port() + "/"));

      // IP literals go through DnsResolver in HttpClient 5.6 classic, so even DNS_ONLY refuses
      // them.
      assertThat(failure).isInstanceOf(BlockedAddressException.class);
      BlockedAddressException blocked = SsrfGuard.findBlocked(failure).orElseThrow();
      assertThat(blocked.reason()).isEqualTo("loopback");
      assertThat(blocked).hasMessageStartingWith("refused by SSRF guard: ");
      assertThat(server.connections()).as("connections the server accepted").isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "DNS_ONLY|127.0.0.1",
        "DNS_AND_SOCKET|127.0.0.1",
        "DNS_ONLY|localhost",
        "DNS_AND_SOCKET|localhost",
        "DNS_ONLY|[::1]",
        "DNS_AND_SOCKET|[::1]"
      })
  void allowListedLoopbackIsReached(String wiringAndHost) throws IOException {
    Wiring wiring = Wiring.valueOf(wiringAndHost.split("\\|")[0]);
    String host = wiringAndHost.split("\\|")[1];
    LoopbackServer server = serverFor(host);

    try (CloseableHttpClient client =
        wiring.client(AddressPolicy.allowing(AddressPolicy.LOOPBACK_CIDRS))) {
      assertThat(get(client, "http://" + host + ":" + server.port() + "/")).isEqualTo(200);
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void aPresetHostAddressSkipsDnsSoOnlyTheSocketLayerCatchesIt() throws IOException {
    // An HttpHost that already carries an address is connected without any DnsResolver call.
    HttpHost preset =
        new HttpHost("http", InetAddress.getByName("127.0.0.1"), "public.example", v4.port());

    try (CloseableHttpClient dnsOnly = Wiring.DNS_ONLY.client(AddressPolicy.strict())) {
      int status = dnsOnly.execute(preset, new HttpGet("/"), response -> response.getCode());
      assertThat(status).as("the DNS layer alone is bypassed").isEqualTo(200);
      assertThat(v4.connections()).isEqualTo(1);
    }
    try (CloseableHttpClient guarded = Wiring.DNS_AND_SOCKET.client(AddressPolicy.strict())) {
      Throwable failure =
          catchThrowable(() -> guarded.execute(preset, new HttpGet("/"), r -> r.getCode()));
      assertThat(SsrfGuard.findBlocked(failure))
          .get()
          .satisfies(b -> assertThat(b.reason()).isEqualTo("loopback"));
      assertThat(v4.connections()).as("no new connection").isEqualTo(1);
    }
  }

  @Test
  void aNameResolvingToAPrivateAddressIsRefusedWithoutAConnectAttempt() throws IOException {
    var dns =
        new GuardedDnsResolverTest.FakeDns(
            Map.of(
                "internal.example", List.of("10.0.0.1"),
                "metadata.example", List.of("93.184.216.34", "169.254.169.254")));
    // The socket layer stays underneath as a safety net: even a broken DNS layer could not send
    // anything.
    var manager =
        SsrfGuard.connectionManagerBuilder(AddressPolicy.strict())
            .setDnsResolver(new GuardedDnsResolver(AddressPolicy.strict(), dns))
            .setDefaultConnectionConfig(FAST)
            .build();
    try (CloseableHttpClient client =
        HttpClients.custom().disableRedirectHandling().setConnectionManager(manager).build()) {
      assertThat(catchThrowable(() -> get(client, "http://internal.example:8080/hook")))
          .isInstanceOf(BlockedAddressException.class)
          .hasMessage("refused by SSRF guard: internal.example resolves to 10.0.0.1 (private)");
      assertThat(catchThrowable(() -> get(client, "https://metadata.example/latest/meta-data/")))
          .isInstanceOf(BlockedAddressException.class)
          .hasMessage(
              "refused by SSRF guard: metadata.example resolves to 169.254.169.254 (cloud metadata)");
      assertThat(dns.lookups).containsExactly("internal.example", "metadata.example");
    }
  }

  @Test
  void aRedirectToARefusedAddressIsRefusedEvenWithRedirectsEnabled() throws IOException {
    InetAddress otherLoopback = InetAddress.getByName("127.0.0.2");
    LoopbackServer target;
    try {
      target = LoopbackServer.ok(otherLoopback);
    } catch (IOException e) {
      assumeTrue(false, "cannot listen on 127.0.0.2 here: " + e);
      return;
    }
    // Only 127.0.0.1 is allow-listed: server A is reachable, the redirect target 127.0.0.2 is not.
    try (target;
        LoopbackServer redirecting =
            LoopbackServer.redirectingTo(
                InetAddress.getByName("127.0.0.1"),
                "http://127.0.0.2:" + target.port() + "/internal");
        CloseableHttpClient client =
            HttpClients.custom() // redirects enabled (the default)
                .setConnectionManager(
                    SsrfGuard.connectionManagerBuilder(
                            AddressPolicy.allowing(List.of("127.0.0.1/32")))
                        .setDefaultConnectionConfig(FAST)
                        .build())
                .build()) {
      Throwable failure =
          catchThrowable(() -> get(client, "http://127.0.0.1:" + redirecting.port() + "/"));

      assertThat(SsrfGuard.findBlocked(failure))
          .get()
          .satisfies(
              b -> {
                assertThat(b.address().getHostAddress()).isEqualTo("127.0.0.2");
                assertThat(b.reason()).isEqualTo("loopback");
              });
      assertThat(redirecting.connections()).isEqualTo(1);
      assertThat(target.connections()).isZero();
    }
  }

  @Test
  void findBlockedLooksThroughWrappers() {
    var blocked =
        new BlockedAddressException("x.example", InetAddress.getLoopbackAddress(), "loopback");
    assertThat(SsrfGuard.findBlocked(new RuntimeException(new IOException(blocked))))
        .containsSame(blocked);
    assertThat(SsrfGuard.findBlocked(new IOException("connection refused"))).isEmpty();
    assertThat(SsrfGuard.findBlocked(null)).isEmpty();
  }

  private LoopbackServer serverFor(String host) {
    if (host.startsWith("[")) {
      assumeTrue(v6 != null, "no IPv6 loopback on this machine");
      return v6;
    }
    return v4;
  }

  private static int get(CloseableHttpClient client, String uri) throws IOException {
    return client.execute(new HttpGet(uri), response -> response.getCode());
  }

  private static boolean ipv6LoopbackAvailable() {
    try (var probe = new java.net.ServerSocket()) {
      probe.bind(new java.net.InetSocketAddress(InetAddress.getByName("::1"), 0));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
