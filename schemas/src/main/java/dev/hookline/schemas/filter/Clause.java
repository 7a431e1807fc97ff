package dev.hookline.schemas.filter;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The first clause of a filter that an event's body did not satisfy.
 *
 * @param at where the clause is in the filter, e.g. {@code filter["data.total"].$gte}
 * @param path the dotted path into the body the clause tests; null for {@code $or} and {@code $not}
 * @param operator the clause's operator, e.g. {@code $gte}
 * @param operand what the clause compares with; null for {@code $or} and {@code $not}
 * @param actual the body's value at {@code path}; null when the path is missing from the body (a
 *     JSON {@code null} in the body is a JSON null here)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Clause(String at, String path, String operator, JsonNode operand, JsonNode actual) {}
