package dev.hookline.schemas.filter;

import java.util.Arrays;
import java.util.Optional;

/** The operators of the filter language. */
enum Operator {
  EQ("$eq"),
  NE("$ne"),
  GT("$gt"),
  GTE("$gte"),
  LT("$lt"),
  LTE("$lte"),
  IN("$in"),
  NIN("$nin"),
  EXISTS("$exists"),
  PREFIX("$prefix"),
  AND("$and"),
  OR("$or"),
  NOT("$not");

  final String token;

  Operator(String token) {
    this.token = token;
  }

  boolean logical() {
    return this == AND || this == OR || this == NOT;
  }

  static Optional<Operator> of(String token) {
    return Arrays.stream(values()).filter(o -> o.token.equals(token)).findFirst();
  }
}
