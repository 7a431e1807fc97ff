package dev.hookline.worker.ssrf;

import static dev.hookline.worker.ssrf.CidrBlockTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.DnsResolver;
import org.junit.jupiter.api.Test;

class GuardedDnsResolverTest {

  /** Answers from a fixed table; the tests never resolve a real name. */
  static final class FakeDns implements DnsResolver {
    private final Map<String, List<String>> answers;
    final List<String> lookups = new ArrayList<>();

    FakeDns(Map<String, List<String>> answers) {
      this.answers = answers;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      lookups.add(host);
      List<String> literals = answers.get(host);
      if (literals == null) {
        throw new UnknownHostException(host);
      }
      InetAddress[] result = new InetAddress[literals.size()];
      for (int i = 0; i < result.length; i++) {
        result[i] = InetAddress.getByAddress(host, ip(literals.get(i)).getAddress());
      }
      return result;
    }

    @Override
    public String resolveCanonicalHostname(String host) {
      return host;
    }
  }

  private final FakeDns dns =
      new FakeDns(
          Map.of(
              "internal.example", List.of("10.0.0.1"),
              "localhost", List.of("127.0.0.1"),
              "metadata.example", List.of("fd00:ec2::254"),
              "public.example", List.of("93.184.216.34", "2606:2800:220:1::"),
              "rebind.example", List.of("93.184.216.34", "169.254.169.254"),
              "empty.example", List.of()));

  private final GuardedDnsResolver strict = new GuardedDnsResolver(AddressPolicy.strict(), dns);

  @Test
  void refusesANameResolvingToAPrivateAddress() {
    assertThatThrownBy(() -> strict.resolve("internal.example"))
        .asInstanceOf(type(BlockedAddressException.class))
        .satisfies(
            e -> {
              assertThat(e).isInstanceOf(UnknownHostException.class);
              assertThat(e.host()).isEqualTo("internal.example");
              assertThat(e.address().getHostAddress()).isEqualTo("10.0.0.1");
              assertThat(e.reason()).isEqualTo("private");
              assertThat(e)
                  .hasMessage(
                      "refused by SSRF guard: internal.example resolves to 10.0.0.1 (private)");
            });
  }

  @Test
  void messageNamesHostAddressAndReason() {
    assertThatThrownBy(() -> strict.resolve("localhost"))
        .hasMessage("refused by SSRF guard: localhost resolves to 127.0.0.1 (loopback)");
    assertThatThrownBy(() -> strict.resolve("metadata.example"))
        .hasMessage(
            "refused by SSRF guard: metadata.example resolves to fd00:ec2:0:0:0:0:0:254 (cloud metadata)");
  }

  @Test
  void oneBadAnswerAmongGoodOnesRefusesTheHost() {
    assertThatThrownBy(() -> strict.resolve("rebind.example"))
        .isInstanceOf(BlockedAddressException.class)
        .hasMessageContaining("169.254.169.254 (cloud metadata)");
    assertThatThrownBy(() -> strict.resolve("rebind.example", 443))
        .isInstanceOf(BlockedAddressException.class);
  }

  @Test
  void publicAnswersPassThrough() throws Exception {
    assertThat(strict.resolve("public.example"))
        .extracting(InetAddress::getHostAddress)
        .containsExactly("93.184.216.34", "2606:2800:220:1:0:0:0:0");
    assertThat(strict.resolve("public.example", 8443))
        .extracting(InetSocketAddress::getPort)
        .containsExactly(8443, 8443);
  }

  @Test
  void allowListedAddressesPass() throws Exception {
    GuardedDnsResolver resolver =
        new GuardedDnsResolver(AddressPolicy.allowing(List.of("10.0.0.0/24")), dns);
    assertThat(resolver.resolve("internal.example"))
        .extracting(InetAddress::getHostAddress)
        .containsExactly("10.0.0.1");
  }

  @Test
  void emptyOrFailedLookupIsAnOrdinaryUnknownHost() {
    assertThatThrownBy(() -> strict.resolve("empty.example"))
        .isInstanceOf(UnknownHostException.class)
        .isNotInstanceOf(BlockedAddressException.class);
    assertThatThrownBy(() -> strict.resolve("nowhere.example"))
        .isInstanceOf(UnknownHostException.class)
        .isNotInstanceOf(BlockedAddressException.class);
  }
}
