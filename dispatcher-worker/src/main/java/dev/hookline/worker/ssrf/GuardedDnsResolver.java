package dev.hookline.worker.ssrf;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DnsResolver} that refuses a host when any address it resolves to is refused by the
 * {@link AddressPolicy}.
 *
 * <p>All answers are checked, not just the first, and one bad answer refuses the host: HttpClient
 * tries the answers in turn, so keeping the "good" ones would still let a rebinding name steer a
 * retry onto an internal address. The check runs on the very addresses HttpClient then connects to,
 * so a second lookup cannot differ. IP literals in URLs (including {@code [::1]}) reach this
 * resolver too in HttpClient 5.6 classic; only an {@code HttpHost} built with an explicit {@link
 * InetAddress} skips it, which the socket-level guard of {@link
 * SsrfGuard#connectionManagerBuilder(AddressPolicy)} covers.
 */
public final class GuardedDnsResolver implements DnsResolver {

  private static final Logger LOG = LoggerFactory.getLogger(GuardedDnsResolver.class);

  private final AddressPolicy policy;
  private final DnsResolver delegate;

  /** Resolves with the JVM's resolver ({@link SystemDefaultDnsResolver}). */
  public GuardedDnsResolver(AddressPolicy policy) {
    this(policy, SystemDefaultDnsResolver.INSTANCE);
  }

  public GuardedDnsResolver(AddressPolicy policy, DnsResolver delegate) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    InetAddress[] addresses = delegate.resolve(host);
    if (addresses == null || addresses.length == 0) {
      // Never hand back "unresolved": HttpClient would then connect by name, unchecked.
      throw new UnknownHostException(host);
    }
    for (InetAddress address : addresses) {
      if (address == null) {
        throw new UnknownHostException(host);
      }
      Optional<String> reason = policy.refusalReason(address);
      if (reason.isPresent()) {
        BlockedAddressException refused = new BlockedAddressException(host, address, reason.get());
        LOG.debug("{}", refused.getMessage());
        throw refused;
      }
    }
    return addresses.clone();
  }

  @Override
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    // Overridden so that a delegate's own resolve(host, port) can never bypass the check above.
    InetAddress[] addresses = resolve(host);
    List<InetSocketAddress> result = new ArrayList<>(addresses.length);
    for (InetAddress address : addresses) {
      result.add(new InetSocketAddress(address, port));
    }
    return result;
  }

  @Override
  public String resolveCanonicalHostname(String host) throws UnknownHostException {
    return delegate.resolveCanonicalHostname(host);
  }
}
