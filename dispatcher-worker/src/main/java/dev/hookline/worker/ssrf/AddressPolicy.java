package dev.hookline.worker.ssrf;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which target addresses the delivery engine may connect to (SSRF guard, docs/design.md
 * "Delivery").
 *
 * <p>Refused: loopback, unspecified, "this network" 0/8, private (RFC 1918), shared CGNAT space
 * 100.64/10, link-local, unique-local fc00::/7, site-local fec0::/10, multicast, broadcast,
 * reserved and documentation ranges, the cloud metadata addresses (169.254.169.254, fd00:ec2::254,
 * 100.100.100.200), and IPv6 forms that carry an IPv4 address inside (IPv4-mapped, IPv4-translated,
 * NAT64 64:ff9b::/96, 6to4 2002::/16) when that IPv4 address would be refused. Teredo, local-use
 * NAT64 and deprecated IPv4-compatible addresses are refused outright: a webhook has no business
 * there and their embedded addresses are easy to disguise.
 *
 * <p>An address inside one of the allow-listed CIDR blocks is always allowed; the allow-list wins
 * over every rule, metadata included, so operators must allow-list narrowly (the all-in-one {@code
 * up} allows {@link #LOOPBACK_CIDRS} only). Immutable and thread-safe.
 */
public final class AddressPolicy {

  /** What {@code ./hookline up} allows: its local request inspector listens on loopback. */
  public static final List<String> LOOPBACK_CIDRS = List.of("127.0.0.0/8", "::1/128");

  private record Rule(CidrBlock block, String reason) {}

  /** IPv6 prefixes whose addresses carry an IPv4 address at a fixed byte offset. */
  private record Embedding(CidrBlock block, int offset, String name) {}

  // First match wins, so the more specific blocks come first for a precise reason.
  private static final List<Rule> REFUSED =
      List.of(
          rule("169.254.169.254/32", "cloud metadata"),
          rule("169.254.170.2/32", "cloud metadata"),
          rule("100.100.100.200/32", "cloud metadata"),
          rule("192.0.0.192/32", "cloud metadata"),
          rule("fd00:ec2::254/128", "cloud metadata"),
          rule("0.0.0.0/32", "unspecified"),
          rule("0.0.0.0/8", "this network"),
          rule("10.0.0.0/8", "private"),
          rule("100.64.0.0/10", "shared address space (CGNAT)"),
          rule("127.0.0.0/8", "loopback"),
          rule("169.254.0.0/16", "link-local"),
          rule("172.16.0.0/12", "private"),
          rule("192.0.0.0/24", "reserved (IETF protocol assignments)"),
          rule("192.0.2.0/24", "documentation"),
          rule("192.88.99.0/24", "reserved (6to4 relay anycast)"),
          rule("192.168.0.0/16", "private"),
          rule("198.18.0.0/15", "reserved (benchmarking)"),
          rule("198.51.100.0/24", "documentation"),
          rule("203.0.113.0/24", "documentation"),
          rule("224.0.0.0/4", "multicast"),
          rule("255.255.255.255/32", "broadcast"),
          rule("240.0.0.0/4", "reserved"),
          rule("::/128", "unspecified"),
          rule("::1/128", "loopback"),
          rule("::/96", "IPv4-compatible (deprecated)"),
          rule("64:ff9b:1::/48", "local-use NAT64"),
          rule("100::/64", "discard-only"),
          rule("2001::/32", "Teredo"),
          rule("2001:db8::/32", "documentation"),
          rule("fc00::/7", "unique-local"),
          rule("fe80::/10", "link-local"),
          rule("fec0::/10", "site-local (deprecated)"),
          rule("ff00::/8", "multicast"));

  private static final List<Embedding> EMBEDDINGS =
      List.of(
          new Embedding(CidrBlock.parse("::ffff:0:0:0/96"), 12, "IPv4-translated"),
          new Embedding(CidrBlock.parse("64:ff9b::/96"), 12, "NAT64"),
          new Embedding(CidrBlock.parse("2002::/16"), 2, "6to4"));

  private static final AddressPolicy STRICT = new AddressPolicy(List.of());

  private final List<CidrBlock> allowed;

  private AddressPolicy(List<CidrBlock> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  /** Refuses every address class listed above; nothing allow-listed. */
  public static AddressPolicy strict() {
    return STRICT;
  }

  /**
   * Like {@link #strict()} but addresses inside any of {@code cidrs} are allowed.
   *
   * @throws IllegalArgumentException if an entry is not a valid CIDR block (the message names it)
   */
  public static AddressPolicy allowing(List<String> cidrs) {
    Objects.requireNonNull(cidrs, "cidrs");
    List<CidrBlock> blocks = new ArrayList<>(cidrs.size());
    for (String cidr : cidrs) {
      blocks.add(CidrBlock.parse(cidr));
    }
    return new AddressPolicy(blocks);
  }

  /** The allow-listed blocks. */
  public List<CidrBlock> allowed() {
    return allowed;
  }

  public boolean isAllowed(InetAddress address) {
    return refusalReason(address).isEmpty();
  }

  /**
   * Why a connection to {@code address} is refused (e.g. "loopback"), or empty if it is allowed.
   */
  public Optional<String> refusalReason(InetAddress address) {
    Objects.requireNonNull(address, "address");
    InetAddress a = CidrBlock.normalize(address);
    for (CidrBlock block : allowed) {
      if (block.contains(a)) {
        return Optional.empty();
      }
    }
    for (Rule rule : REFUSED) {
      if (rule.block().contains(a)) {
        return Optional.of(rule.reason());
      }
    }
    if (a instanceof Inet6Address) {
      for (Embedding embedding : EMBEDDINGS) {
        if (embedding.block().contains(a)) {
          InetAddress inner = CidrBlock.ipv4(a.getAddress(), embedding.offset());
          return refusalReason(inner)
              .map(
                  reason ->
                      embedding.name()
                          + " form of "
                          + inner.getHostAddress()
                          + " ("
                          + reason
                          + ")");
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "AddressPolicy[allowed=" + allowed + "]";
  }

  private static Rule rule(String cidr, String reason) {
    return new Rule(CidrBlock.parse(cidr), reason);
  }
}
