package dev.hookline.worker.ssrf;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A delivery target was refused by the SSRF guard before any connection was made.
 *
 * <p>It is an {@link UnknownHostException} so that HttpClient treats it like a failed lookup: it
 * surfaces as a connect failure and its default retry strategy does not retry it. Find it in a
 * cause chain with {@link SsrfGuard#findBlocked(Throwable)}.
 */
public final class BlockedAddressException extends UnknownHostException {

  private static final long serialVersionUID = 1L;

  private final String host;
  private final InetAddress address;
  private final String reason;

  public BlockedAddressException(String host, InetAddress address, String reason) {
    super(message(host, address, reason));
    this.host = host;
    this.address = address;
    this.reason = reason;
  }

  /** The host as the URL named it (a DNS name or an IP literal). */
  public String host() {
    return host;
  }

  /** The refused address the host resolved to. */
  public InetAddress address() {
    return address;
  }

  /** Why it is refused, e.g. "loopback" or "cloud metadata". */
  public String reason() {
    return reason;
  }

  private static String message(String host, InetAddress address, String reason) {
    String ip = address.getHostAddress();
    String bare = host == null ? "" : host.replace("[", "").replace("]", "");
    boolean literal = bare.equalsIgnoreCase(ip) || isSameLiteral(bare, address);
    return literal || host == null
        ? "refused by SSRF guard: " + ip + " (" + reason + ")"
        : "refused by SSRF guard: " + host + " resolves to " + ip + " (" + reason + ")";
  }

  // "::1" and "0:0:0:0:0:0:0:1" are the same literal; compare only strings that look like IPv6
  // literals
  // so that this never triggers a DNS lookup.
  private static boolean isSameLiteral(String host, InetAddress address) {
    if (!host.contains(":")) {
      return false;
    }
    try {
      CidrBlock single = CidrBlock.parse(host);
      return single.prefixLength() == 128 && single.contains(address);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
