package dev.hookline.schemas;

/** CloudEvents Kafka protocol binding, binary content mode: attribute header names. */
public final class CloudEventHeaders {
  public static final String SPECVERSION = "ce_specversion";
  public static final String ID = "ce_id";
  public static final String SOURCE = "ce_source";
  public static final String TYPE = "ce_type";
  public static final String TIME = "ce_time";
  public static final String SUBJECT = "ce_subject";

  /**
   * Hookline's extension attribute {@code tenant} (docs/design.md, "Tenants"); absent: no tenant.
   */
  public static final String TENANT = "ce_tenant";

  public static final String CONTENT_TYPE = "content-type";
  public static final String SPECVERSION_VALUE = "1.0";

  private CloudEventHeaders() {}
}
