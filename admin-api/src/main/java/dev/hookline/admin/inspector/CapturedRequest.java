package dev.hookline.admin.inspector;

import java.time.Instant;
import java.util.List;

/**
 * One request received on a capture URL, as the web page shows it.
 *
 * @param body the body as UTF-8 text, cut at the inspector's body limit
 * @param bodyBytes the size of the whole body as received
 * @param truncated whether {@code body} was cut
 * @param answeredStatus the status the inspector answered with
 */
record CapturedRequest(
    long seq,
    Instant receivedAt,
    String method,
    String path,
    String query,
    String remoteAddress,
    List<Header> headers,
    String body,
    long bodyBytes,
    boolean truncated,
    int answeredStatus,
    Verification.View signature) {

  record Header(String name, String value) {}
}
