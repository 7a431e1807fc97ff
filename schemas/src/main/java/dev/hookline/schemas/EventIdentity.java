package dev.hookline.schemas;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The ids derived from an event's identity, ({@code source}, {@code id}) as CloudEvents defines it:
 * two events of different sources with the same id are two events everywhere (docs/design.md,
 * "Idempotent ingestion").
 *
 * <p>Each part is length-prefixed before it is hashed, so no separator can be forged: source {@code
 * "a:b"} with id {@code "c"} and source {@code "a"} with id {@code "b:c"} are different inputs. A
 * tag per kind of id keeps a delivery id and a message digest of the same parts apart.
 */
public final class EventIdentity {
  /** Between the event id and the digest in {@link #webhookId(String, String)}. */
  public static final char WEBHOOK_ID_SEPARATOR = '~';

  private static final int DIGEST_HEX_CHARS = 32;

  private EventIdentity() {}

  /**
   * The delivery id of an event routed to a webhook: name-based, so that routing the same event
   * twice (at-least-once upstream) lands on the same delivery row instead of a duplicate one.
   */
  public static UUID deliveryId(String source, String eventId, UUID webhookId) {
    return nameUuid(encode("delivery/v2", source, eventId, webhookId.toString()));
  }

  /**
   * The delivery id routers wrote before V13 (event id alone). Kept to recognise a delivery routed
   * then: its attempts keep the {@code webhook-id} they were first sent with.
   */
  public static UUID legacyDeliveryId(String eventId, UUID webhookId) {
    return nameUuid((eventId + "|" + webhookId).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The Standard Webhooks message id of an event: {@code <id>~<32 hex digits>}, the digest of
   * (source, id). One per event, the same across retries, redeliveries and the webhooks it goes to
   * (as Svix's message id). The event id stays readable in front (the body does not carry it); the
   * fixed-length digest makes it unique per (source, id): equal strings have ids of equal length,
   * hence equal ids, hence equal digests of the sources.
   */
  public static String webhookId(String source, String eventId) {
    UUID digest = nameUuid(encode("message/v1", source, eventId));
    return eventId
        + WEBHOOK_ID_SEPARATOR
        + HexFormat.of().toHexDigits(digest.getMostSignificantBits())
        + HexFormat.of().toHexDigits(digest.getLeastSignificantBits());
  }

  /**
   * The {@code webhook-id} a task is sent with: its event's message id, or, for a delivery routed
   * before V13 (its id is the legacy one), the bare event id its first attempts carried, so a retry
   * across the upgrade does not change it.
   */
  public static String webhookId(DeliveryTask task) {
    Event event = task.event();
    if (task.deliveryId().equals(legacyDeliveryId(event.id(), task.webhookId()))) {
      return event.id();
    }
    return webhookId(event.source(), event.id());
  }

  /** Whether a {@code webhook-id} is the message id of this event id (for receivers and tests). */
  public static boolean isWebhookIdOf(String webhookId, String eventId) {
    return webhookId != null
        && webhookId.length() == eventId.length() + 1 + DIGEST_HEX_CHARS
        && webhookId.startsWith(eventId)
        && webhookId.charAt(eventId.length()) == WEBHOOK_ID_SEPARATOR;
  }

  /**
   * The event id at the front of a {@code webhook-id}; a {@code webhook-id} not of that form (sent
   * before V13: the bare event id) is returned whole.
   */
  public static String eventIdOf(String webhookId) {
    int at = webhookId.length() - 1 - DIGEST_HEX_CHARS;
    return at > 0 && isWebhookIdOf(webhookId, webhookId.substring(0, at))
        ? webhookId.substring(0, at)
        : webhookId;
  }

  /**
   * What {@link UUID#nameUUIDFromBytes} gives (a version 3 UUID), without its {@code
   * MessageDigest.getInstance} per call: the provider lookup was two thirds of the cost, and the
   * router and the workers derive ids for every task (docs/benchmarks.md, stop 27).
   */
  static UUID nameUuid(byte[] name) {
    byte[] md5 = MD5.get().digest(name);
    md5[6] &= 0x0f;
    md5[6] |= 0x30; // version 3
    md5[8] &= 0x3f;
    md5[8] |= (byte) 0x80; // IETF variant
    ByteBuffer bytes = ByteBuffer.wrap(md5);
    return new UUID(bytes.getLong(), bytes.getLong());
  }

  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
              throw new InternalError("MD5 not supported", e); // as UUID says: every JDK has it
            }
          });

  private static byte[] encode(String tag, String... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(tag.getBytes(StandardCharsets.UTF_8));
    for (String part : parts) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }
}
