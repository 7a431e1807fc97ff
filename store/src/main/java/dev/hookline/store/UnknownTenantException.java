package dev.hookline.store;

/**
 * A webhook named a tenant that does not exist or was deleted (possibly by a concurrent request);
 * nothing was written.
 */
public final class UnknownTenantException extends RuntimeException {
  private final String tenantId;

  public UnknownTenantException(String tenantId) {
    super("no tenant with id '" + tenantId + "'", null, false, false);
    this.tenantId = tenantId;
  }

  public String tenantId() {
    return tenantId;
  }
}
