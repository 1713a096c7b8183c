package io.riffle.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An {@code application/problem+json} body (RFC 9457).
 *
 * @param type the stable type URI of the condition ({@link ProblemType#uri})
 * @param title short, fixed summary of the type
 * @param status HTTP status
 * @param detail what was wrong with this request, naming the bad value and what was expected
 * @param instance the request path
 * @param errors per-item errors (e.g. NDJSON lines), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type, String title, int status, String detail, String instance, List<LineError> errors) {

  /** Media type of a problem body. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /** A problem of {@code type} with {@code detail}. */
  public static Problem of(ProblemType type, String detail, String instance) {
    return new Problem(type.uri(), type.title(), type.status(), detail, instance, null);
  }

  /**
   * One rejected item of a bulk request.
   *
   * @param line 1-based line (or index) of the item
   * @param type problem type slug
   * @param detail what was wrong
   */
  public record LineError(long line, String type, String detail) {}
}
