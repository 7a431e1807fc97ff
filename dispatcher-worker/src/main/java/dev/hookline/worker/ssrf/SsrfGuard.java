package dev.hookline.worker.ssrf;

import java.util.Objects;
import java.util.Optional;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.HttpClientConnectionOperator;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.RegistryBuilder;

/**
 * Wires the SSRF guard into an Apache HttpClient 5 classic connection manager. Recommended (both
 * layers):
 *
 * <pre>{@code
 * PoolingHttpClientConnectionManager cm = SsrfGuard.connectionManagerBuilder(policy)
 *         .setMaxConnPerRoute(...)           // any other settings as usual
 *         .build();
 * }</pre>
 *
 * or, on a builder you already have (DNS layer only, which sees every URL host including IP
 * literals):
 *
 * <pre>{@code
 * SsrfGuard.configure(PoolingHttpClientConnectionManagerBuilder.create(), policy).build();
 * }</pre>
 *
 * <p>A refused target fails the request with a {@link BlockedAddressException} before any
 * connection is opened; {@link #findBlocked(Throwable)} tells it apart from other connect failures
 * so the attempt can be recorded as refused. Do not give the client a proxy (no {@code
 * useSystemProperties()} on the client builder): through an HTTP proxy only the proxy's address is
 * checked, not the target's.
 */
public final class SsrfGuard {

  private SsrfGuard() {}

  /**
   * Installs a {@link GuardedDnsResolver} (system resolver underneath) on {@code builder}; returns
   * it for chaining. Do not call {@code setDnsResolver} afterwards: it would replace the guard.
   */
  public static PoolingHttpClientConnectionManagerBuilder configure(
      PoolingHttpClientConnectionManagerBuilder builder, AddressPolicy policy) {
    Objects.requireNonNull(builder, "builder");
    return builder.setDnsResolver(new GuardedDnsResolver(policy));
  }

  /**
   * A connection manager builder guarded twice: the {@link GuardedDnsResolver} refuses a host when
   * any of its addresses is refused, and every socket re-checks its address just before connecting,
   * which also covers an {@code HttpHost} carrying a preset address (that one skips DNS resolution
   * altogether).
   */
  public static PoolingHttpClientConnectionManagerBuilder connectionManagerBuilder(
      AddressPolicy policy) {
    return configure(new GuardedBuilder(policy), policy);
  }

  /** The {@link BlockedAddressException} in {@code failure}'s cause chain, if any. */
  public static Optional<BlockedAddressException> findBlocked(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
      if (t instanceof BlockedAddressException blocked) {
        return Optional.of(blocked);
      }
      for (Throwable suppressed : t.getSuppressed()) {
        if (suppressed instanceof BlockedAddressException blocked) {
          return Optional.of(blocked);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Swaps the operator's plain socket factory for the guarded one; everything else stays default.
   */
  private static final class GuardedBuilder extends PoolingHttpClientConnectionManagerBuilder {

    private final GuardedSocketFactory sockets;

    GuardedBuilder(AddressPolicy policy) {
      this.sockets = new GuardedSocketFactory(policy);
    }

    @Override
    protected HttpClientConnectionOperator createConnectionOperator(
        SchemePortResolver schemePortResolver,
        DnsResolver dnsResolver,
        TlsSocketStrategy tlsSocketStrategy) {
      RegistryBuilder<TlsSocketStrategy> tls = RegistryBuilder.create();
      if (tlsSocketStrategy != null) {
        tls.register(URIScheme.HTTPS.id, tlsSocketStrategy);
      }
      return new DefaultHttpClientConnectionOperator(
          sockets, schemePortResolver, dnsResolver, tls.build());
    }
  }
}
