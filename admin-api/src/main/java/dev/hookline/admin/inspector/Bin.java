package dev.hookline.admin.inspector;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A capture URL and the latest requests it received (oldest dropped first). */
final class Bin {
  private final String id;
  private final String url;
  private final Instant createdAt;
  private final int maxRequests;
  private final Deque<CapturedRequest> requests = new ArrayDeque<>();
  private int responseStatus;
  private long received;

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

  synchronized void add(CapturedRequest request) {
    requests.addFirst(request);
    while (requests.size() > maxRequests) requests.removeLast();
  }

  synchronized void clear() {
    requests.clear();
  }

  /** Summary, without the requests. */
  synchronized Summary summary() {
    return new Summary(id, url, createdAt, responseStatus, received, requests.size());
  }

  synchronized Detail detail() {
    return new Detail(
        id, url, createdAt, responseStatus, received, requests.size(), new ArrayList<>(requests));
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
