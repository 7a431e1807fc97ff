package dev.hookline.worker.ssrf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrBlockTest {

  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/8,          10.0.0.0/8",
    "127.0.0.1,           127.0.0.1/32",
    "10.1.2.3/8,          10.0.0.0/8",
    "0.0.0.0/0,           0.0.0.0/0",
    "' 192.168.0.0/16 ',  192.168.0.0/16",
    "::1/128,             0:0:0:0:0:0:0:1/128",
    "::1,                 0:0:0:0:0:0:0:1/128",
    "[::1]/128,           0:0:0:0:0:0:0:1/128",
    "[fe80::]/10,         fe80:0:0:0:0:0:0:0/10",
    "FC00::/7,            fc00:0:0:0:0:0:0:0/7",
    "::ffff:10.0.0.0/104, 10.0.0.0/8",
    "::ffff:127.0.0.1,    127.0.0.1/32",
  })
  void parsesAndNormalizes(String text, String expected) {
    assertThat(CidrBlock.parse(text)).hasToString(expected);
  }

  @Test
  void containsRespectsPrefixBoundaries() throws Exception {
    CidrBlock block = CidrBlock.parse("172.16.0.0/12");
    assertThat(block.contains(ip("172.16.0.0"))).isTrue();
    assertThat(block.contains(ip("172.31.255.255"))).isTrue();
    assertThat(block.contains(ip("172.15.255.255"))).isFalse();
    assertThat(block.contains(ip("172.32.0.0"))).isFalse();

    CidrBlock v6 = CidrBlock.parse("fe80::/10");
    assertThat(v6.contains(ip("fe80::1"))).isTrue();
    assertThat(v6.contains(ip("febf:ffff::1"))).isTrue();
    assertThat(v6.contains(ip("fec0::1"))).isFalse();

    assertThat(CidrBlock.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
    assertThat(CidrBlock.parse("::/0").contains(ip("2606:2800:220:1::"))).isTrue();
  }

  @Test
  void familiesNeverMix() throws Exception {
    assertThat(CidrBlock.parse("0.0.0.0/0").contains(ip("::1"))).isFalse();
    assertThat(CidrBlock.parse("::/0").contains(ip("127.0.0.1"))).isFalse();
  }

  @Test
  void ipv4MappedAddressesCountAsTheirIpv4Address() throws Exception {
    // Built this way the JDK keeps an Inet6Address (getByName would already convert it).
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3};
    InetAddress address = Inet6Address.getByAddress(null, mapped, -1);
    assertThat(address).isInstanceOf(Inet6Address.class);

    assertThat(CidrBlock.parse("10.0.0.0/8").contains(address)).isTrue();
    assertThat(CidrBlock.parse("::/0").contains(address)).isFalse();
    assertThat(CidrBlock.parse("::ffff:10.0.0.0/104").contains(ip("10.9.9.9"))).isTrue();
    assertThat(CidrBlock.normalize(address)).isInstanceOf(Inet4Address.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "10.0.0.0/33",
        "::/129",
        "10.0.0.0/-1",
        "10.0.0.0/",
        "/8",
        "10.0.0/8",
        "10.1",
        "256.0.0.1",
        "010.0.0.1",
        "1.2.3.4/8/9",
        "1.2.3.4/x",
        "internal.example",
        "localhost",
        "fe80::1%eth0",
        "::ffff:10.0.0.0/8",
        "1::2::3",
        "12345::",
        "10.0.0.0 /8"
      })
  void rejectsBadInputWithAClearMessage(String text) {
    assertThatThrownBy(() -> CidrBlock.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid CIDR block");
  }

  @Test
  void badInputMessagesSayWhatIsWrong() {
    assertThatThrownBy(() -> CidrBlock.parse("10.0.0.0/33"))
        .hasMessageContaining("'10.0.0.0/33'")
        .hasMessageContaining("out of range 0..32");
    assertThatThrownBy(() -> CidrBlock.parse("intranet.example/24"))
        .hasMessageContaining("is not an IPv4 or IPv6 address");
    assertThatThrownBy(() -> CidrBlock.parse("300.1.1.1")).hasMessageContaining("greater than 255");
    assertThatThrownBy(() -> CidrBlock.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  static InetAddress ip(String literal) throws UnknownHostException {
    // Tests pass literals only, which the JDK parses without any DNS lookup.
    return InetAddress.getByName(literal);
  }
}
