package io.riffle.api;

/**
 * Every error condition the API reports, with its stable problem {@code type} URI (RFC 9457), its
 * HTTP status and its title. A type, once published, is never reused for another condition; new
 * conditions get new entries.
 */
public enum ProblemType {
  MALFORMED_JSON("malformed-json", 400, "Malformed JSON"),
  WRONG_TYPE("wrong-type", 400, "Wrong type"),
  NON_FINITE_NUMBER("non-finite-number", 400, "Non-finite number"),
  MISSING_FIELD("missing-field", 400, "Missing field"),
  INVALID_FEATURE("invalid-feature", 400, "Invalid feature"),
  LABEL_OUT_OF_RANGE("label-out-of-range", 400, "Label out of range"),
  INVALID_SPEC("invalid-spec", 400, "Invalid model spec"),
  INVALID_REQUEST("invalid-request", 400, "Invalid request"),
  INVALID_SOURCE("invalid-source", 400, "Invalid source"),
  UNAUTHORIZED("unauthorized", 401, "Unauthorized"),
  UNKNOWN_MODEL("unknown-model", 404, "Unknown model"),
  UNKNOWN_PREDICTION("unknown-prediction", 404, "Unknown prediction id"),
  UNKNOWN_SNAPSHOT("unknown-snapshot", 404, "Unknown snapshot"),
  UNKNOWN_SOURCE("unknown-source", 404, "Unknown source"),
  NOT_FOUND("not-found", 404, "Not found"),
  METHOD_NOT_ALLOWED("method-not-allowed", 405, "Method not allowed"),
  FEEDBACK_ALREADY_GIVEN("feedback-already-given", 409, "Feedback already given"),
  PREDICTION_EXPIRED("prediction-expired", 410, "Prediction expired"),
  PAYLOAD_TOO_LARGE("payload-too-large", 413, "Payload too large"),
  UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "Unsupported media type"),
  QUEUE_FULL("queue-full", 429, "Queue full"),
  SHUTTING_DOWN("shutting-down", 503, "Shutting down"),
  INTERNAL("internal", 500, "Internal error");

  /** Prefix of every problem type URI. */
  public static final String BASE = "https://riffle.dev/problems/";

  private final String slug;
  private final int status;
  private final String title;

  ProblemType(String slug, int status, String title) {
    this.slug = slug;
    this.status = status;
    this.title = title;
  }

  /** The short name, e.g. {@code malformed-json} (also used as a metrics tag). */
  public String slug() {
    return slug;
  }

  /** The full type URI. */
  public String uri() {
    return BASE + slug;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }
}
