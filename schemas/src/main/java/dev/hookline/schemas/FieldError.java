package dev.hookline.schemas;

/**
 * One validation failure, naming the offending field as a JSON Pointer-like path (e.g. {@code
 * data.payment_total}) and what is wrong with it.
 */
public record FieldError(String field, String message) {}
