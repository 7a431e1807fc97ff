package dev.hookline.worker.ssrf;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Optional;
import org.apache.hc.client5.http.io.DetachedSocketFactory;

/**
 * Second line of the SSRF guard: sockets that check the address right before {@code connect},
 * whatever way it was obtained (a custom resolver, an {@code HttpHost} with a preset address). An
 * unresolved address is refused, since it cannot be checked.
 */
final class GuardedSocketFactory implements DetachedSocketFactory {

  private final AddressPolicy policy;

  GuardedSocketFactory(AddressPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  @Override
  public Socket create(Proxy proxy) {
    return proxy != null ? new GuardedSocket(proxy, policy) : new GuardedSocket(policy);
  }

  private static final class GuardedSocket extends Socket {

    private final AddressPolicy policy;

    GuardedSocket(AddressPolicy policy) {
      this.policy = policy;
    }

    GuardedSocket(Proxy proxy, AddressPolicy policy) {
      super(proxy);
      this.policy = policy;
    }

    // Socket.connect(SocketAddress) delegates here, so this is the single way out.
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      if (endpoint instanceof InetSocketAddress inet) {
        if (inet.isUnresolved()) {
          throw new java.net.UnknownHostException(
              "refused by SSRF guard: "
                  + inet.getHostString()
                  + " is unresolved and cannot be checked");
        }
        Optional<String> reason = policy.refusalReason(inet.getAddress());
        if (reason.isPresent()) {
          throw new BlockedAddressException(inet.getHostString(), inet.getAddress(), reason.get());
        }
      }
      super.connect(endpoint, timeout);
    }
  }
}
