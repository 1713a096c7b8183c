package io.riffle.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAPI document {@code openapi.yaml} (a resource of this module) read as a list of
 * operations. The service builds its router from this list, so a route exists exactly when the
 * contract declares it; an operation marked {@code x-riffle-admin: true} requires the admin token.
 */
public final class Contract {
  /** Resource path of the contract. */
  public static final String RESOURCE = "/openapi.yaml";

  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options");

  /**
   * One operation.
   *
   * @param method HTTP method, upper case
   * @param path OpenAPI path template, e.g. {@code /v1/models/{name}}
   * @param operationId unique id the service binds a handler to
   * @param admin whether the admin token is required
   */
  public record Operation(String method, String path, String operationId, boolean admin) {}

  private Contract() {}

  /** The raw bytes of the contract. */
  public static byte[] bytes() {
    try (InputStream in = Contract.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every operation of the contract, in document order. */
  public static List<Operation> operations() {
    try {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(bytes());
      List<Operation> ops = new ArrayList<>();
      Iterator<Map.Entry<String, JsonNode>> paths = root.path("paths").fields();
      while (paths.hasNext()) {
        Map.Entry<String, JsonNode> p = paths.next();
        Iterator<Map.Entry<String, JsonNode>> ms = p.getValue().fields();
        while (ms.hasNext()) {
          Map.Entry<String, JsonNode> m = ms.next();
          if (!METHODS.contains(m.getKey())) {
            continue;
          }
          String id = m.getValue().path("operationId").asText(null);
          if (id == null) {
            throw new IllegalStateException(m.getKey() + " " + p.getKey() + " has no operationId");
          }
          ops.add(
              new Operation(
                  m.getKey().toUpperCase(Locale.ROOT),
                  p.getKey(),
                  id,
                  m.getValue().path("x-riffle-admin").asBoolean(false)));
        }
      }
      return List.copyOf(ops);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
