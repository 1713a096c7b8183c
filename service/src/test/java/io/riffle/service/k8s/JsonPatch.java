package io.riffle.service.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * RFC 6902 JSON Patch, the operations {@code add}, {@code remove}, {@code replace} and {@code test}
 * (the ones kustomize patches here use; {@code move} and {@code copy} are refused). Paths are RFC
 * 6901 JSON pointers ({@code ~1} is {@code /}, {@code ~0} is {@code ~}). A failed {@code test} or a
 * missing path fails the whole patch, as in kustomize.
 */
final class JsonPatch {

  private JsonPatch() {}

  static ObjectNode apply(ObjectNode doc, ArrayNode ops, Path file) {
    ObjectNode result = doc.deepCopy();
    for (JsonNode op : ops) {
      Set<String> allowed = Set.of("op", "path", "value");
      op.fieldNames()
          .forEachRemaining(
              f -> {
                if (!allowed.contains(f)) {
                  throw new IllegalArgumentException(file + ": unsupported patch field " + f);
                }
              });
      String name = op.path("op").asText();
      List<String> path = pointer(op.path("path").asText(), file);
      if (path.isEmpty()) {
        throw new IllegalArgumentException(file + ": patching the whole document is not supported");
      }
      JsonNode parent = navigate(result, path.subList(0, path.size() - 1), file);
      String last = path.get(path.size() - 1);
      switch (name) {
        case "add" -> add(parent, last, value(op, file), file);
        case "replace" -> {
          existing(parent, last, file);
          remove(parent, last, file);
          add(parent, last, value(op, file), file);
        }
        case "remove" -> {
          existing(parent, last, file);
          remove(parent, last, file);
        }
        case "test" -> {
          if (!existing(parent, last, file).equals(value(op, file))) {
            throw new IllegalArgumentException(
                file + ": test failed at " + op.path("path").asText() + ": " + op.path("value"));
          }
        }
        default -> throw new IllegalArgumentException(file + ": unsupported patch op " + name);
      }
    }
    return result;
  }

  private static JsonNode value(JsonNode op, Path file) {
    if (!op.has("value")) {
      throw new IllegalArgumentException(file + ": " + op.path("op").asText() + " needs a value");
    }
    return op.get("value").deepCopy();
  }

  static List<String> pointer(String p, Path file) {
    if (p.isEmpty()) {
      return List.of();
    }
    if (!p.startsWith("/")) {
      throw new IllegalArgumentException(file + ": a JSON pointer starts with /: " + p);
    }
    List<String> tokens = new ArrayList<>();
    for (String t : p.substring(1).split("/", -1)) {
      tokens.add(t.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }

  private static JsonNode navigate(JsonNode node, List<String> path, Path file) {
    JsonNode n = node;
    for (String t : path) {
      n = existing(n, t, file);
    }
    return n;
  }

  private static JsonNode existing(JsonNode parent, String token, Path file) {
    JsonNode child = null;
    if (parent.isObject()) {
      child = parent.get(token);
    } else if (parent.isArray()) {
      int i = index(token, file);
      child = i < parent.size() ? parent.get(i) : null;
    }
    if (child == null) {
      throw new IllegalArgumentException(file + ": no such path element " + token);
    }
    return child;
  }

  private static void add(JsonNode parent, String token, JsonNode value, Path file) {
    if (parent.isObject()) {
      ((ObjectNode) parent).set(token, value);
    } else if (parent.isArray()) {
      ArrayNode array = (ArrayNode) parent;
      if (token.equals("-")) {
        array.add(value);
      } else {
        int i = index(token, file);
        if (i > array.size()) {
          throw new IllegalArgumentException(file + ": index out of range " + token);
        }
        array.insert(i, value);
      }
    } else {
      throw new IllegalArgumentException(file + ": cannot add into a scalar at " + token);
    }
  }

  private static void remove(JsonNode parent, String token, Path file) {
    if (parent.isObject()) {
      ((ObjectNode) parent).remove(token);
    } else {
      ((ArrayNode) parent).remove(index(token, file));
    }
  }

  private static int index(String token, Path file) {
    if (!token.matches("0|[1-9][0-9]*")) {
      throw new IllegalArgumentException(file + ": not an array index: " + token);
    }
    return Integer.parseInt(token);
  }
}
