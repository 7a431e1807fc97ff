package dev.hookline.admin.inspector;

/**
 * Memory bounds of the request inspector: everything is kept in memory, so every dimension is
 * capped.
 *
 * @param maxBins bins kept; creating one more drops the oldest
 * @param maxRequestsPerBin requests kept per bin; newer ones push out the oldest
 * @param maxBodyBytes body bytes kept per request (the rest is counted, not kept)
 * @param maxVerifiedBytes largest body whose signature is still checked (read fully up to this)
 */
public record InspectorLimits(
    int maxBins, int maxRequestsPerBin, int maxBodyBytes, int maxVerifiedBytes) {
  public static final InspectorLimits DEFAULT =
      new InspectorLimits(50, 100, 256 * 1024, 1024 * 1024);

  public InspectorLimits {
    if (maxBins < 1
        || maxRequestsPerBin < 1
        || maxBodyBytes < 0
        || maxVerifiedBytes < maxBodyBytes) {
      throw new IllegalArgumentException("invalid inspector limits");
    }
  }
}
