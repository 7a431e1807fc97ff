package dev.hookline.worker.ssrf;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation, e.g. {@code 10.0.0.0/8}, {@code ::1/128}, or a bare
 * address ({@code 127.0.0.1} = /32, {@code ::1} = /128).
 *
 * <p>IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) are treated as their IPv4 address, both in
 * the block and in {@link #contains}, because that is where a socket to them really goes. Host bits
 * below the prefix are cleared ({@code 10.0.0.1/8} is {@code 10.0.0.0/8}), as CIDR notation means.
 *
 * @param network the network address, host bits cleared, never an IPv4-mapped {@link Inet6Address}
 * @param prefixLength 0..32 for IPv4, 0..128 for IPv6
 */
public record CidrBlock(InetAddress network, int prefixLength) {

  // Strict dotted quad: no shorthand ("10.1"), no leading zeros ("010" could be read as octal
  // elsewhere).
  private static final Pattern IPV4 = Pattern.compile("(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}");
  // Only hex digits, colons and dots (embedded IPv4): no zone ids, and nothing a resolver would
  // look up.
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  public CidrBlock {
    Objects.requireNonNull(network, "network");
    network = normalize(network);
    int bits = network.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException(
          "prefix length "
              + prefixLength
              + " out of range 0.."
              + bits
              + " for "
              + network.getHostAddress());
    }
    network = masked(network, prefixLength);
  }

  /**
   * Parses {@code address[/prefix]}; IPv6 may be written in brackets. Never touches DNS.
   *
   * @throws IllegalArgumentException naming the bad input and what is wrong with it
   */
  public static CidrBlock parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("invalid CIDR block: empty");
    }
    String s = text.strip();
    int slash = s.indexOf('/');
    String addressPart = slash < 0 ? s : s.substring(0, slash);
    if (addressPart.startsWith("[") && addressPart.endsWith("]")) {
      addressPart = addressPart.substring(1, addressPart.length() - 1);
    }
    InetAddress address = parseLiteral(addressPart, text);
    boolean mapped = address instanceof Inet4Address && addressPart.contains(":");
    int prefix;
    if (slash < 0) {
      prefix = address.getAddress().length * 8;
    } else {
      String prefixPart = s.substring(slash + 1);
      if (!prefixPart.matches("\\d{1,3}")) {
        throw new IllegalArgumentException(
            "invalid CIDR block '"
                + text
                + "': prefix length '"
                + prefixPart
                + "' is not a number");
      }
      prefix = Integer.parseInt(prefixPart);
      if (mapped) {
        // ::ffff:10.0.0.0/104 is 10.0.0.0/8 seen through IPv6.
        if (prefix < 96 || prefix > 128) {
          throw new IllegalArgumentException(
              "invalid CIDR block '"
                  + text
                  + "': an IPv4-mapped block needs a prefix length of 96..128");
        }
        prefix -= 96;
      }
    }
    try {
      return new CidrBlock(address, prefix);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid CIDR block '" + text + "': " + e.getMessage(), e);
    }
  }

  /** Whether {@code address} lies in this block; an address of the other family never does. */
  public boolean contains(InetAddress address) {
    byte[] candidate = normalize(address).getAddress();
    byte[] net = network.getAddress();
    if (candidate.length != net.length) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (candidate[i] != net[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (candidate[full] & mask) == (net[full] & mask);
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefixLength;
  }

  /** An IPv4-mapped IPv6 address becomes its IPv4 address; anything else is returned as is. */
  static InetAddress normalize(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped) {
        return ipv4(b, 12);
      }
    }
    return address;
  }

  /** The IPv4 address in bytes {@code from..from+3} of {@code bytes}. */
  static InetAddress ipv4(byte[] bytes, int from) {
    byte[] v4 = new byte[4];
    System.arraycopy(bytes, from, v4, 0, 4);
    try {
      return InetAddress.getByAddress(v4);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 bytes are always a valid IPv4 address", e);
    }
  }

  private static InetAddress parseLiteral(String literal, String original) {
    boolean v4 = IPV4.matcher(literal).matches();
    if (!v4 && !IPV6.matcher(literal).matches()) {
      throw new IllegalArgumentException(
          "invalid CIDR block '"
              + original
              + "': '"
              + literal
              + "' is not an IPv4 or IPv6 address");
    }
    try {
      if (v4) {
        String[] parts = literal.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
          int octet = Integer.parseInt(parts[i]);
          if (octet > 255) {
            throw new IllegalArgumentException(
                "invalid CIDR block '" + original + "': octet " + octet + " is greater than 255");
          }
          bytes[i] = (byte) octet;
        }
        return InetAddress.getByAddress(bytes);
      }
      // The pattern guarantees a colon, so this parses an IPv6 literal and never asks DNS.
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "invalid CIDR block '" + original + "': '" + literal + "' is not a valid IP address", e);
    }
  }

  private static InetAddress masked(InetAddress address, int prefixLength) {
    byte[] b = address.getAddress();
    for (int i = 0; i < b.length; i++) {
      int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
      b[i] &= (byte) ((0xff << (8 - keep)) & 0xff);
    }
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new AssertionError("a masked address has a valid length", e);
    }
  }
}
