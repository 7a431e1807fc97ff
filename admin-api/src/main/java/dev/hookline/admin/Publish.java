package dev.hookline.admin;

import org.slf4j.Logger;

/** Runs a Kafka publication for a handler, turning a failure into a 503 problem. */
final class Publish {
  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  private Publish() {}

  static void run(Action action, String what, Logger log) {
    try {
      action.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiProblem.unavailable("the server is shutting down; retry later");
    } catch (Exception e) {
      log.warn("publishing {} failed", what, e);
      throw ApiProblem.unavailable(
          what + " could not be queued for delivery right now; retry later");
    }
  }
}
