package dev.hookline.admin.inspector;

/**
 * Memory bounds of the request inspector: everything is kept in memory, so every dimension is
 * capped, and all captures together too.
 *
 * @param maxBins bins kept; creating one more drops the oldest
 * @param maxRequestsPerBin requests kept per bin; newer ones push out the oldest
 * @param maxBodyBytes body bytes kept per request (the rest is counted, not kept)
 * @param maxVerifiedBytes largest body whose signature is still checked (read fully up to this)
 * @param maxTotalBytes the memory all kept requests of all bins may take (as Java holds them: two
 *     bytes a character); past it the oldest captures, whatever their bin, are dropped
 */
public record InspectorLimits(
    int maxBins,
    int maxRequestsPerBin,
    int maxBodyBytes,
    int maxVerifiedBytes,
    long maxTotalBytes) {
  /** {@code HOOKLINE_INSPECTOR_MAX_MB}'s default. */
  public static final long DEFAULT_MAX_TOTAL_BYTES = 64L * 1024 * 1024;

  public static final InspectorLimits DEFAULT =
      new InspectorLimits(50, 100, 256 * 1024, 1024 * 1024, DEFAULT_MAX_TOTAL_BYTES);

  public InspectorLimits {
    if (maxBins < 1
        || maxRequestsPerBin < 1
        || maxBodyBytes < 0
        || maxVerifiedBytes < maxBodyBytes
        || maxTotalBytes < 1) {
      throw new IllegalArgumentException("invalid inspector limits");
    }
  }

  /** These limits with all captures together bounded to {@code bytes}. */
  public InspectorLimits withMaxTotalBytes(long bytes) {
    return new InspectorLimits(maxBins, maxRequestsPerBin, maxBodyBytes, maxVerifiedBytes, bytes);
  }
}
