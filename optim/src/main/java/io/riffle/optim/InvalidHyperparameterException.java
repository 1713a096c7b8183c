package io.riffle.optim;

/**
 * A hyperparameter is unknown, of the wrong type or outside its allowed range. The message names
 * the parameter, the value given and what is allowed.
 */
public final class InvalidHyperparameterException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidHyperparameterException(String message) {
    super(message);
  }
}
