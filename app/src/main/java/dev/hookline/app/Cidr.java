package dev.hookline.app;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Syntax check of a CIDR block given in configuration, without any DNS lookup. */
final class Cidr {
  private Cidr() {}

  static boolean isValid(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) return false;
    String address = cidr.substring(0, slash);
    if (!address.matches("[0-9.]+") && !address.matches("[0-9a-fA-F:.]+")) return false;
    if (!address.contains(":") && address.split("\\.", -1).length != 4) return false;
    int bits;
    try {
      bits = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    try {
      byte[] raw = InetAddress.getByName(address).getAddress(); // a literal: no lookup happens
      return bits >= 0 && bits <= raw.length * 8;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
