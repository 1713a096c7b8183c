package io.riffle.store.model;

/**
 * A label is not allowed for the model kind (wrong value, out of range, not finite). The message
 * names the kind, the label and what is allowed. Not retriable.
 */
public final class InvalidLabelException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidLabelException(String kind, double label, String expected) {
    super(kind + ": label " + label + " is invalid; expected " + expected);
  }
}
