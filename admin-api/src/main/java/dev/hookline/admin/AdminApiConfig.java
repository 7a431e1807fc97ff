package dev.hookline.admin;

import java.time.Duration;
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
 * @param publicUrl where the web page is for the platform's customers, e.g. {@code
 *     https://hooks.example.com}; the base of portal sign-in links. Empty (the default): the scheme
 *     and host the link was asked on
 * @param portalLinkValidity how long a one-time portal sign-in link can be used (default 10 min)
 * @param portalSessionLength how long the portal session it opens lasts (default 8 h)
 */
public record AdminApiConfig(
    String host,
    int port,
    List<String> adminTokens,
    int maxBodyBytes,
    String publicUrl,
    Duration portalLinkValidity,
    Duration portalSessionLength) {

  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final Duration DEFAULT_PORTAL_LINK_VALIDITY = Duration.ofMinutes(10);
  public static final Duration DEFAULT_PORTAL_SESSION_LENGTH = Duration.ofHours(8);

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
    publicUrl = publicUrl == null ? "" : publicUrl.replaceAll("/+$", "");
    Objects.requireNonNull(portalLinkValidity, "portalLinkValidity");
    Objects.requireNonNull(portalSessionLength, "portalSessionLength");
    if (portalLinkValidity.isNegative() || portalLinkValidity.isZero())
      throw new IllegalArgumentException("portalLinkValidity must be positive");
    if (portalSessionLength.isNegative() || portalSessionLength.isZero())
      throw new IllegalArgumentException("portalSessionLength must be positive");
  }

  /** A builder accepting these tokens, every other setting at its default. */
  public static Builder builder(List<String> adminTokens) {
    return new Builder(adminTokens);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(adminTokens)
        .host(host)
        .port(port)
        .maxBodyBytes(maxBodyBytes)
        .publicUrl(publicUrl)
        .portalLinkValidity(portalLinkValidity)
        .portalSessionLength(portalSessionLength);
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
        + ", publicUrl="
        + publicUrl
        + ", portalLinkValidity="
        + portalLinkValidity
        + ", portalSessionLength="
        + portalSessionLength
        + "]";
  }

  /** Builds an {@link AdminApiConfig}; {@link #build()} checks every value. */
  public static final class Builder {
    private final List<String> adminTokens;
    private String host = "0.0.0.0";
    private int port;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private String publicUrl = "";
    private Duration portalLinkValidity = DEFAULT_PORTAL_LINK_VALIDITY;
    private Duration portalSessionLength = DEFAULT_PORTAL_SESSION_LENGTH;

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

    /** The base of portal sign-in links; empty: the scheme and host the link was asked on. */
    public Builder publicUrl(String value) {
      this.publicUrl = value;
      return this;
    }

    public Builder portalLinkValidity(Duration value) {
      this.portalLinkValidity = value;
      return this;
    }

    public Builder portalSessionLength(Duration value) {
      this.portalSessionLength = value;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first bad setting
     */
    public AdminApiConfig build() {
      return new AdminApiConfig(
          host,
          port,
          adminTokens,
          maxBodyBytes,
          publicUrl,
          portalLinkValidity,
          portalSessionLength);
    }
  }
}
