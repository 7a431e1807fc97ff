package dev.hookline.producer;

/** A valid event that Kafka did not accept (broker unreachable, timeout, publisher closed...). */
public final class PublishException extends RuntimeException {
  private final String eventId;

  public PublishException(String message, String eventId, Throwable cause) {
    super(message, cause);
    this.eventId = eventId;
  }

  /** The id the event would have had; a retry gets a new one. */
  public String eventId() {
    return eventId;
  }
}
