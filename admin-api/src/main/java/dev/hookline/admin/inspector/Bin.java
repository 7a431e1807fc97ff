package dev.hookline.admin.inspector;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A capture URL and the latest requests it received (oldest dropped first), with the memory they
 * take, so the inspector can bound all bins together.
 */
final class Bin {
  private final String id;
  private final String url;
  private final Instant createdAt;
  private final int maxRequests;
  private final Deque<Kept> requests = new ArrayDeque<>();
  private int responseStatus;
  private long received;
  private long bytes;

  /** A kept request, its place in the order of all captures, and its estimated memory. */
  private record Kept(CapturedRequest request, long order, long bytes) {}

  Bin(String id, String url, Instant createdAt, int responseStatus, int maxRequests) {
    this.id = id;
    this.url = url;
    this.createdAt = createdAt;
    this.responseStatus = responseStatus;
    this.maxRequests = maxRequests;
  }

  String id() {
    return id;
  }

  synchronized int responseStatus() {
    return responseStatus;
  }

  synchronized void responseStatus(int status) {
    this.responseStatus = status;
  }

  synchronized long nextSeq() {
    return ++received;
  }

  /**
   * @param order the capture's place among all captures of all bins (older is smaller)
   */
  synchronized void add(CapturedRequest request, long order) {
    Kept kept = new Kept(request, order, bytesOf(request));
    requests.addFirst(kept);
    bytes += kept.bytes();
    while (requests.size() > maxRequests) bytes -= requests.removeLast().bytes();
  }

  synchronized void clear() {
    requests.clear();
    bytes = 0;
  }

  /** The memory the kept requests take, estimated. */
  synchronized long bytes() {
    return bytes;
  }

  /** The order of the oldest kept request, {@link Long#MAX_VALUE} when none. */
  synchronized long oldestOrder() {
    return requests.isEmpty() ? Long.MAX_VALUE : requests.getLast().order();
  }

  /** Drops the oldest kept request; returns the memory freed. */
  synchronized long dropOldest() {
    if (requests.isEmpty()) return 0;
    long freed = requests.removeLast().bytes();
    bytes -= freed;
    return freed;
  }

  /** Two bytes a character as Java holds strings, and room for the objects around them. */
  static long bytesOf(CapturedRequest r) {
    long chars =
        length(r.method()) + length(r.path()) + length(r.query()) + length(r.remoteAddress());
    chars += length(r.body());
    for (CapturedRequest.Header h : r.headers()) chars += length(h.name()) + length(h.value());
    return 2 * chars + 64L * r.headers().size() + 512;
  }

  private static long length(String s) {
    return s == null ? 0 : s.length();
  }

  /** Summary, without the requests. */
  synchronized Summary summary() {
    return new Summary(id, url, createdAt, responseStatus, received, requests.size());
  }

  synchronized Detail detail() {
    return new Detail(
        id,
        url,
        createdAt,
        responseStatus,
        received,
        requests.size(),
        new ArrayList<>(requests.stream().map(Kept::request).toList()));
  }

  /**
   * @param received every request ever received; {@code kept} is how many are still shown
   */
  record Summary(
      String id, String url, Instant createdAt, int responseStatus, long received, int kept) {}

  /** Newest request first. */
  record Detail(
      String id,
      String url,
      Instant createdAt,
      int responseStatus,
      long received,
      int kept,
      List<CapturedRequest> requests) {}
}
