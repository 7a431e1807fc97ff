package dev.hookline.admin;

import java.util.List;
import java.util.Objects;

/**
 * Settings of the admin HTTP API, built by the caller (the {@code app} module parses env vars) with
 * {@link #builder}. Event data is limited by the contract ({@code Event.MAX_DATA_BYTES}), not here.
 *
 * @param host interface to bind, e.g. {@code 0.0.0.0} (the default), or {@code 127.0.0.1} for local
 *     use
 * @param port TCP port; 0 (the default) picks a free one (see {@link AdminApi#port()})
 * @param adminTokens bearer tokens accepted on {@code /api/v1}; any of them grants full access
 * @param maxBodyBytes largest request body accepted (default 1 MB); larger bodies get 413
 */
public record AdminApiConfig(String host, int port, List<String> adminTokens, int maxBodyBytes) {

  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  public AdminApiConfig {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65_535) throw new IllegalArgumentException("port out of range: " + port);
    adminTokens = List.copyOf(adminTokens);
    if (adminTokens.isEmpty())
      throw new IllegalArgumentException("at least one admin token is required");
    for (String token : adminTokens) {
      if (token.isBlank()) throw new IllegalArgumentException("admin tokens must not be blank");
    }
    if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes must be positive");
  }

  /** A builder accepting these tokens, every other setting at its default. */
  public static Builder builder(List<String> adminTokens) {
    return new Builder(adminTokens);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(adminTokens).host(host).port(port).maxBodyBytes(maxBodyBytes);
  }

  @Override
  public String toString() {
    // never log the tokens
    return "AdminApiConfig[host="
        + host
        + ", port="
        + port
        + ", adminTokens="
        + adminTokens.size()
        + " configured, maxBodyBytes="
        + maxBodyBytes
        + "]";
  }

  /** Builds an {@link AdminApiConfig}; {@link #build()} checks every value. */
  public static final class Builder {
    private final List<String> adminTokens;
    private String host = "0.0.0.0";
    private int port;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;

    private Builder(List<String> adminTokens) {
      this.adminTokens = adminTokens;
    }

    public Builder host(String value) {
      this.host = value;
      return this;
    }

    public Builder port(int value) {
      this.port = value;
      return this;
    }

    public Builder maxBodyBytes(int value) {
      this.maxBodyBytes = value;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first bad setting
     */
    public AdminApiConfig build() {
      return new AdminApiConfig(host, port, adminTokens, maxBodyBytes);
    }
  }
}
