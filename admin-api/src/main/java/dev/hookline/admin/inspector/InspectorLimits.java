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

  public static final InspectorLimits DEFAULT = builder().build();

  public InspectorLimits {
    if (maxBins < 1
        || maxRequestsPerBin < 1
        || maxBodyBytes < 0
        || maxVerifiedBytes < maxBodyBytes
        || maxTotalBytes < 1) {
      throw new IllegalArgumentException("invalid inspector limits");
    }
  }

  /** A builder starting from the defaults (50 bins of 100 requests, 256 KB bodies, 64 MB). */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link InspectorLimits}; {@link #build()} checks them. */
  public static final class Builder {
    private int maxBins = 50;
    private int maxRequestsPerBin = 100;
    private int maxBodyBytes = 256 * 1024;
    private int maxVerifiedBytes = 1024 * 1024;
    private long maxTotalBytes = DEFAULT_MAX_TOTAL_BYTES;

    private Builder() {}

    public Builder maxBins(int value) {
      this.maxBins = value;
      return this;
    }

    public Builder maxRequestsPerBin(int value) {
      this.maxRequestsPerBin = value;
      return this;
    }

    public Builder maxBodyBytes(int value) {
      this.maxBodyBytes = value;
      return this;
    }

    public Builder maxVerifiedBytes(int value) {
      this.maxVerifiedBytes = value;
      return this;
    }

    /** The memory all kept requests of all bins may take together. */
    public Builder maxTotalBytes(long value) {
      this.maxTotalBytes = value;
      return this;
    }

    public InspectorLimits build() {
      return new InspectorLimits(
          maxBins, maxRequestsPerBin, maxBodyBytes, maxVerifiedBytes, maxTotalBytes);
    }
  }
}
