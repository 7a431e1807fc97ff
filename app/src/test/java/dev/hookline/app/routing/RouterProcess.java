package dev.hookline.app.routing;

import dev.hookline.router.Router;
import dev.hookline.router.RouterConfig;
import dev.hookline.schemas.EventCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;

/**
 * The router role alone in a child JVM, for crash tests: wired like {@code hookline router}
 * (Roles.router) but with a dedicated application id and a 6 s session timeout, so that a router
 * restarted after {@code kill -9} gets its partitions after 6 s instead of the router's default 10
 * s (classic group protocol: the dead member holds them until its session expires).
 *
 * <p>Arguments: bootstrap servers, application id, state directory.
 */
public final class RouterProcess {
  private RouterProcess() {}

  public static void main(String[] args) {
    RouterConfig config =
        RouterConfig.builder(args[0], Path.of(args[2]))
            .applicationId(args[1])
            .kafkaOverrides(Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000"))
            .build();
    Router router = new Router(config, EventCatalog.load(), new SimpleMeterRegistry());
    Runtime.getRuntime().addShutdownHook(new Thread(router::close, "router-stopper"));
    router.start();
  }
}
