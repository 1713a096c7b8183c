package io.riffle.api;

/**
 * A request the API refuses, carrying its {@link ProblemType}. The message is the problem's {@code
 * detail}: it names the bad value and what was expected.
 */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ProblemType type;

  public ApiException(ProblemType type, String detail) {
    super(detail);
    this.type = type;
  }

  public ApiException(ProblemType type, String detail, Throwable cause) {
    super(detail, cause);
    this.type = type;
  }

  public ProblemType type() {
    return type;
  }

  /** The problem body for a request to {@code instance}. */
  public Problem toProblem(String instance) {
    return Problem.of(type, getMessage(), instance);
  }
}
