package dev.hookline.worker.ssrf;

import static dev.hookline.worker.ssrf.CidrBlockTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {

  private final AddressPolicy strict = AddressPolicy.strict();

  @ParameterizedTest(name = "{0} is refused as {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // loopback and unspecified
        "127.0.0.1                | loopback",
        "127.255.255.254          | loopback",
        "::1                      | loopback",
        "0.0.0.0                  | unspecified",
        "::                       | unspecified",
        "0.1.2.3                  | this network",
        // private, CGNAT
        "10.0.0.1                 | private",
        "10.255.255.255           | private",
        "172.16.0.1               | private",
        "172.31.255.255           | private",
        "192.168.1.1              | private",
        "100.64.0.1               | shared address space (CGNAT)",
        "100.127.255.255          | shared address space (CGNAT)",
        // link-local, unique-local, site-local
        "169.254.0.1              | link-local",
        "fe80::1                  | link-local",
        "febf::1                  | link-local",
        "fc00::1                  | unique-local",
        "fd12:3456::1             | unique-local",
        "fec0::1                  | site-local (deprecated)",
        // multicast, broadcast, reserved
        "224.0.0.1                | multicast",
        "239.255.255.250          | multicast",
        "ff02::1                  | multicast",
        "ff05::2                  | multicast",
        "255.255.255.255          | broadcast",
        "240.0.0.1                | reserved",
        "198.18.0.1               | reserved (benchmarking)",
        "192.0.2.10               | documentation",
        "2001:db8::1              | documentation",
        // cloud metadata
        "169.254.169.254          | cloud metadata",
        "fd00:ec2::254            | cloud metadata",
        "100.100.100.200          | cloud metadata",
        "169.254.170.2            | cloud metadata",
        // IPv4 inside IPv6
        "::ffff:127.0.0.1         | loopback",
        "::ffff:169.254.169.254   | cloud metadata",
        "::ffff:10.0.0.1          | private",
        "::ffff:0:10.0.0.1        | IPv4-translated form of 10.0.0.1 (private)",
        "64:ff9b::7f00:1          | NAT64 form of 127.0.0.1 (loopback)",
        "64:ff9b::a9fe:a9fe       | NAT64 form of 169.254.169.254 (cloud metadata)",
        "64:ff9b::192.168.0.1     | NAT64 form of 192.168.0.1 (private)",
        "2002:7f00:1::            | 6to4 form of 127.0.0.1 (loopback)",
        "2002:a9fe:a9fe::1        | 6to4 form of 169.254.169.254 (cloud metadata)",
        "2002:0a00:0001::         | 6to4 form of 10.0.0.1 (private)",
        "64:ff9b:1::1             | local-use NAT64",
        "::127.0.0.1              | IPv4-compatible (deprecated)",
        "2001:0:4136:e378::1      | Teredo",
      })
  void refuses(String address, String reason) throws Exception {
    InetAddress a = ip(address);
    assertThat(strict.refusalReason(a)).contains(reason);
    assertThat(strict.isAllowed(a)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "93.184.216.34",
        "8.8.8.8",
        "1.1.1.1",
        "172.32.0.1",
        "172.15.255.255",
        "100.128.0.1",
        "100.63.255.255",
        "169.253.255.255",
        "192.169.0.1",
        "223.255.255.255",
        "11.0.0.1",
        "2606:2800:220:1::",
        "2a00:1450:4001:80b::200e",
        "64:ff9b::5db8:d822",
        "2002:5db8:d822::1",
        "::ffff:93.184.216.34"
      })
  void allowsPublicAddresses(String address) throws Exception {
    InetAddress a = ip(address);
    assertThat(strict.refusalReason(a)).isEmpty();
    assertThat(strict.isAllowed(a)).isTrue();
  }

  @Test
  void refusesAnIpv4MappedInet6AddressObject() throws Exception {
    // The JDK normally turns ::ffff:a.b.c.d into an Inet4Address; make sure a raw Inet6Address is
    // caught too.
    byte[] mapped = {
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 169,
      (byte) 254,
      (byte) 169,
      (byte) 254
    };
    InetAddress address = Inet6Address.getByAddress(null, mapped, -1);
    assertThat(address).isInstanceOf(Inet6Address.class);
    assertThat(strict.refusalReason(address)).contains("cloud metadata");
  }

  @Test
  void loopbackAllowListAllowsLoopbackOnly() throws Exception {
    AddressPolicy up = AddressPolicy.allowing(AddressPolicy.LOOPBACK_CIDRS);
    assertThat(up.isAllowed(ip("127.0.0.1"))).isTrue();
    assertThat(up.isAllowed(ip("127.1.2.3"))).isTrue();
    assertThat(up.isAllowed(ip("::1"))).isTrue();
    assertThat(up.isAllowed(ip("::ffff:127.0.0.1"))).isTrue();
    assertThat(up.isAllowed(ip("64:ff9b::7f00:1"))).as("NAT64 of an allowed address").isTrue();

    assertThat(up.refusalReason(ip("10.0.0.1"))).contains("private");
    assertThat(up.refusalReason(ip("169.254.169.254"))).contains("cloud metadata");
    assertThat(up.refusalReason(ip("0.0.0.0"))).contains("unspecified");
    assertThat(up.refusalReason(ip("::"))).contains("unspecified");
    assertThat(up.refusalReason(ip("fe80::1"))).contains("link-local");
    assertThat(up.isAllowed(ip("93.184.216.34"))).isTrue();
  }

  @Test
  void allowListOverridesNarrowly() throws Exception {
    AddressPolicy policy = AddressPolicy.allowing(List.of("10.1.0.0/16", "fd00:1234::/32"));
    assertThat(policy.isAllowed(ip("10.1.2.3"))).isTrue();
    assertThat(policy.isAllowed(ip("10.2.0.1"))).isFalse();
    assertThat(policy.isAllowed(ip("fd00:1234::9"))).isTrue();
    assertThat(policy.isAllowed(ip("fd00:1235::9"))).isFalse();
    assertThat(policy.isAllowed(ip("127.0.0.1"))).isFalse();
    assertThat(policy.allowed())
        .extracting(CidrBlock::toString)
        .containsExactly("10.1.0.0/16", "fd00:1234:0:0:0:0:0:0/32");
  }

  @Test
  void strictAllowsNothingInternal() {
    assertThat(AddressPolicy.strict().allowed()).isEmpty();
    assertThat(AddressPolicy.allowing(List.of()).allowed()).isEmpty();
  }

  @Test
  void badAllowListEntryIsAClearError() {
    assertThatThrownBy(() -> AddressPolicy.allowing(List.of("127.0.0.0/8", "10.0.0.0/40")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'10.0.0.0/40'");
    assertThatThrownBy(() -> AddressPolicy.allowing(List.of("corp.example")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'corp.example'");
  }
}
