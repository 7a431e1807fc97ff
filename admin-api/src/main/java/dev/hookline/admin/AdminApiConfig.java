package dev.hookline.admin;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the admin HTTP API, built by the caller (the {@code app} module parses env vars).
 *
 * @param host interface to bind, e.g. {@code 0.0.0.0}, or {@code 127.0.0.1} for local use
 * @param port TCP port; 0 picks a free one (see {@link AdminApi#port()})
 * @param adminTokens bearer tokens accepted on {@code /api/v1}; any of them grants full access
 * @param maxBodyBytes largest request body accepted; larger bodies get 413
 * @param maxEventBytes largest event {@code data} accepted by {@code POST /api/v1/events}; larger
 *     gets 413
 * @param publicUrl where the web page is for the platform's customers, e.g. {@code
 *     https://hooks.example.com}; the base of portal sign-in links. Empty: the scheme and host the
 *     link was asked on
 * @param portalLinkValidity how long a one-time portal sign-in link can be used
 * @param portalSessionLength how long the portal session it opens lasts
 */
public record AdminApiConfig(
    String host,
    int port,
    List<String> adminTokens,
    int maxBodyBytes,
    int maxEventBytes,
    String publicUrl,
    Duration portalLinkValidity,
    Duration portalSessionLength) {

  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_EVENT_BYTES = 256 * 1024;
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
    if (maxEventBytes < 1) throw new IllegalArgumentException("maxEventBytes must be positive");
    publicUrl = publicUrl == null ? "" : publicUrl.replaceAll("/+$", "");
    if (portalLinkValidity.isNegative() || portalLinkValidity.isZero())
      throw new IllegalArgumentException("portalLinkValidity must be positive");
    if (portalSessionLength.isNegative() || portalSessionLength.isZero())
      throw new IllegalArgumentException("portalSessionLength must be positive");
  }

  /** With the default portal settings. */
  public AdminApiConfig(
      String host, int port, List<String> adminTokens, int maxBodyBytes, int maxEventBytes) {
    this(
        host,
        port,
        adminTokens,
        maxBodyBytes,
        maxEventBytes,
        "",
        DEFAULT_PORTAL_LINK_VALIDITY,
        DEFAULT_PORTAL_SESSION_LENGTH);
  }

  /** Binds every interface, with the default body limits (1 MB, events 256 KB). */
  public static AdminApiConfig of(int port, List<String> adminTokens) {
    return new AdminApiConfig(
        "0.0.0.0", port, adminTokens, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_EVENT_BYTES);
  }

  /** Same, bound to another interface. */
  public AdminApiConfig withHost(String newHost) {
    return new AdminApiConfig(
        newHost,
        port,
        adminTokens,
        maxBodyBytes,
        maxEventBytes,
        publicUrl,
        portalLinkValidity,
        portalSessionLength);
  }

  /** Same, with these portal settings. */
  public AdminApiConfig withPortal(
      String newPublicUrl, Duration linkValidity, Duration sessionLength) {
    return new AdminApiConfig(
        host,
        port,
        adminTokens,
        maxBodyBytes,
        maxEventBytes,
        newPublicUrl,
        linkValidity,
        sessionLength);
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
        + ", maxEventBytes="
        + maxEventBytes
        + ", publicUrl="
        + publicUrl
        + ", portalLinkValidity="
        + portalLinkValidity
        + ", portalSessionLength="
        + portalSessionLength
        + "]";
  }
}
