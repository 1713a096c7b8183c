package io.riffle.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * The one JSON configuration of the wire: unknown fields are refused (a typo must not be silently
 * ignored), {@code NaN} and {@code Infinity} literals are read so that they can be refused as
 * non-finite numbers with a precise message rather than as malformed JSON, and nulls are omitted on
 * output.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private Json() {}

  /** The shared, thread-safe mapper. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Reads {@code bytes[off, off+len)} as {@code type}, turning every Jackson failure into an {@link
   * ApiException} of the right type: malformed JSON, an unknown field, or a wrong type (naming the
   * JSON path).
   */
  public static <T> T read(byte[] bytes, int off, int len, Class<T> type) {
    if (len == 0) {
      throw new ApiException(ProblemType.MALFORMED_JSON, "empty body; expected a JSON object");
    }
    try {
      T value = MAPPER.readValue(bytes, off, len, type);
      if (value == null) {
        throw new ApiException(ProblemType.WRONG_TYPE, "body is null; expected a JSON object");
      }
      return value;
    } catch (ApiException e) {
      throw e;
    } catch (IOException e) {
      throw translate(e);
    }
  }

  /** The {@link ApiException} for a Jackson failure. */
  public static ApiException translate(IOException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      return new ApiException(
          ProblemType.INVALID_REQUEST,
          "unknown field '"
              + u.getPropertyName()
              + "'"
              + where(u)
              + "; known fields: "
              + u.getKnownPropertyIds().stream().map(Object::toString).sorted().toList(),
          e);
    }
    if (e instanceof InvalidFormatException f) {
      return new ApiException(
          ProblemType.WRONG_TYPE,
          "value " + f.getValue() + where(f) + " is not a " + simple(f.getTargetType()),
          e);
    }
    if (e instanceof MismatchedInputException m) {
      return new ApiException(
          ProblemType.WRONG_TYPE,
          "wrong type" + where(m) + ": expected " + simple(m.getTargetType()),
          e);
    }
    if (e instanceof JsonMappingException m && m.getCause() instanceof ApiException a) {
      return a;
    }
    if (e instanceof JsonMappingException m && m.getCause() instanceof IllegalArgumentException a) {
      return new ApiException(ProblemType.INVALID_REQUEST, a.getMessage() + where(m), e);
    }
    if (e instanceof JsonParseException || e instanceof JsonProcessingException) {
      String msg = e.getMessage();
      int nl = msg == null ? -1 : msg.indexOf('\n');
      return new ApiException(
          ProblemType.MALFORMED_JSON,
          "malformed JSON: " + (nl > 0 ? msg.substring(0, nl) : msg),
          e);
    }
    return new ApiException(ProblemType.MALFORMED_JSON, "unreadable body: " + e.getMessage(), e);
  }

  private static String where(JsonMappingException e) {
    if (e.getPath() == null || e.getPath().isEmpty()) {
      return "";
    }
    String path =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."));
    return " at '" + path.replace(".[", "[") + "'";
  }

  private static String simple(Class<?> c) {
    if (c == null) {
      return "value of another type";
    }
    if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
      return "integer";
    }
    if (c == Double.class || c == double.class || c == double[].class) {
      return c.isArray() ? "array of numbers" : "number";
    }
    if (c == Boolean.class || c == boolean.class) {
      return "boolean";
    }
    if (c == String.class) {
      return "string";
    }
    if (java.util.Map.class.isAssignableFrom(c) || c.isRecord()) {
      return "JSON object";
    }
    if (java.util.List.class.isAssignableFrom(c) || c.isArray()) {
      return "JSON array";
    }
    return c.getSimpleName();
  }
}
