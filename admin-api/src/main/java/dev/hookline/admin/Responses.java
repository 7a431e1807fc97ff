package dev.hookline.admin;

import dev.hookline.schemas.Json;
import io.javalin.http.Context;

/** Writes JSON answers with the one shared Jackson configuration. */
final class Responses {
  static final String JSON = "application/json";

  private Responses() {}

  static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType(JSON).result(Json.toBytes(body));
  }

  static void problem(Context ctx, ApiProblem problem) {
    ctx.status(problem.status())
        .contentType(ApiProblem.CONTENT_TYPE)
        .result(Json.toBytes(problem.body(ctx.path())));
  }
}
