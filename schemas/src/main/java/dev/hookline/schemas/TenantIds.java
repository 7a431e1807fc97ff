package dev.hookline.schemas;

import java.util.regex.Pattern;

/**
 * Tenant ids (docs/design.md, "Tenants"): chosen by the platform, 1 to 64 of {@code A-Z a-z 0-9 . _
 * : -}. One rule for every way in: the REST API, the CLI, the producer library and the router's
 * {@code ce_tenant} header. The characters keep an id safe in URLs, Kafka headers, log lines and
 * the router's index keys (none of them is its separator {@code |}).
 */
public final class TenantIds {
  public static final int MAX_LENGTH = 64;

  /** What a valid id is, for error messages. */
  public static final String RULE = "must be 1 to 64 of the characters A-Z a-z 0-9 . _ : -";

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private TenantIds() {}

  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }
}
