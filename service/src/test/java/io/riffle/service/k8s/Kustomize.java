package io.riffle.service.k8s;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a kustomization directory like {@code kustomize build}, for exactly the features the
 * manifests under {@code k8s/} use, and refuses every other field so that nothing is silently
 * ignored:
 *
 * <ul>
 *   <li>{@code resources}: local files (multi-document YAML) and local directories (rendered
 *       recursively, with their own transformers applied first);
 *   <li>{@code secretGenerator} with {@code literals} only, under {@code generatorOptions:
 *       disableNameSuffixHash: true} (the content hash is kustomize's own and not reproduced);
 *   <li>{@code patches} given by {@code path} to a JSON 6902 patch (a YAML list of {@code add},
 *       {@code remove}, {@code replace} and {@code test} operations) with a {@code target} of
 *       group, version, kind and name;
 *   <li>{@code images} with {@code name}, {@code newName}, {@code newTag}, {@code digest}.
 * </ul>
 *
 * Order within one kustomization, as in kustomize: resources, then generators, then patches, then
 * images. The output order is the order of accumulation (kustomize sorts by kind; callers compare
 * as sets).
 */
final class Kustomize {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final Set<String> KUSTOMIZATION_FIELDS =
      Set.of(
          "apiVersion",
          "kind",
          "resources",
          "secretGenerator",
          "generatorOptions",
          "patches",
          "images");

  private Kustomize() {}

  static List<ObjectNode> render(Path dir) throws IOException {
    Path file = dir.resolve("kustomization.yaml");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no kustomization.yaml in " + dir);
    }
    ObjectNode k = object(single(readYaml(file), file), file);
    Iterator<String> names = k.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!KUSTOMIZATION_FIELDS.contains(name)) {
        throw new IllegalArgumentException(file + ": unsupported kustomization field " + name);
      }
    }
    expect(k, "apiVersion", "kustomize.config.k8s.io/v1beta1", file);
    expect(k, "kind", "Kustomization", file);

    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode r : list(k, "resources", file)) {
      String ref = r.asText();
      if (!r.isTextual() || ref.contains("://") || ref.startsWith("github.com/")) {
        throw new IllegalArgumentException(file + ": only local resources are supported: " + r);
      }
      Path p = dir.resolve(ref).normalize();
      if (Files.isDirectory(p)) {
        out.addAll(render(p));
      } else {
        for (JsonNode doc : readYaml(p)) {
          out.add(object(doc, p));
        }
      }
    }
    out.addAll(secrets(k, file));
    for (JsonNode patch : list(k, "patches", file)) {
      applyPatch(dir, object(patch, file), out, file);
    }
    for (JsonNode image : list(k, "images", file)) {
      ObjectNode spec = object(image, file);
      only(spec, Set.of("name", "newName", "newTag", "digest"), file);
      for (ObjectNode doc : out) {
        retag(doc, spec);
      }
    }
    checkUnique(out, file);
    return out;
  }

  /** Every non-empty document of a YAML file. */
  static List<JsonNode> readYaml(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    // one tree per YAML document (a MappingIterator would unwrap a top-level list)
    try (JsonParser p = YAML.getFactory().createParser(file.toFile())) {
      while (p.nextToken() != null) {
        JsonNode doc = YAML.readTree(p);
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  private static List<ObjectNode> secrets(ObjectNode k, Path file) {
    List<ObjectNode> out = new ArrayList<>();
    JsonNode generators = k.path("secretGenerator");
    if (generators.isMissingNode()) {
      if (k.has("generatorOptions")) {
        throw new IllegalArgumentException(file + ": generatorOptions without a generator");
      }
      return out;
    }
    ObjectNode options = object(k.path("generatorOptions"), file);
    only(options, Set.of("disableNameSuffixHash"), file);
    if (!options.path("disableNameSuffixHash").asBoolean(false)) {
      throw new IllegalArgumentException(
          file + ": generated names are hashed by kustomize; set disableNameSuffixHash: true");
    }
    for (JsonNode g : list(k, "secretGenerator", file)) {
      ObjectNode gen = object(g, file);
      only(gen, Set.of("name", "literals", "type"), file);
      ObjectNode secret = JsonNodeFactory.instance.objectNode();
      secret.put("apiVersion", "v1");
      secret.put("kind", "Secret");
      secret.putObject("metadata").put("name", gen.path("name").asText());
      secret.put("type", gen.path("type").asText("Opaque"));
      ObjectNode data = secret.putObject("data");
      for (JsonNode literal : list(gen, "literals", file)) {
        String kv = literal.asText();
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(file + ": literal is not key=value: " + kv);
        }
        data.put(
            kv.substring(0, eq),
            Base64.getEncoder()
                .encodeToString(kv.substring(eq + 1).getBytes(StandardCharsets.UTF_8)));
      }
      out.add(secret);
    }
    return out;
  }

  private static void applyPatch(Path dir, ObjectNode patch, List<ObjectNode> docs, Path file)
      throws IOException {
    only(patch, Set.of("path", "target"), file);
    ObjectNode target = object(patch.path("target"), file);
    only(target, Set.of("group", "version", "kind", "name"), file);
    Path patchFile = dir.resolve(patch.path("path").asText()).normalize();
    JsonNode ops = single(readYaml(patchFile), patchFile);
    if (!ops.isArray()) {
      throw new IllegalArgumentException(patchFile + ": only JSON 6902 patches (a list of ops)");
    }
    String group = target.path("group").asText("");
    String apiVersion =
        group.isEmpty()
            ? target.path("version").asText()
            : group + "/" + target.path("version").asText();
    int matched = 0;
    for (int i = 0; i < docs.size(); i++) {
      ObjectNode doc = docs.get(i);
      if (doc.path("apiVersion").asText().equals(apiVersion)
          && doc.path("kind").asText().equals(target.path("kind").asText())
          && doc.path("metadata").path("name").asText().equals(target.path("name").asText())) {
        docs.set(i, JsonPatch.apply(doc, (ArrayNode) ops, patchFile));
        matched++;
      }
    }
    if (matched == 0) {
      throw new IllegalArgumentException(file + ": patch target matches nothing: " + target);
    }
  }

  /** kustomize's image transformer: every image of a containers-like list, anywhere. */
  private static void retag(JsonNode node, ObjectNode spec) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        boolean containers =
            f.getKey().equals("containers")
                || f.getKey().equals("initContainers")
                || f.getKey().equals("ephemeralContainers");
        if (containers && f.getValue().isArray()) {
          for (JsonNode c : f.getValue()) {
            if (c.isObject() && c.path("image").isTextual()) {
              ((ObjectNode) c).put("image", replaceImage(c.path("image").asText(), spec));
            }
          }
        }
        retag(f.getValue(), spec);
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        retag(child, spec);
      }
    }
  }

  static String replaceImage(String image, ObjectNode spec) {
    String name = image;
    String tagOrDigest = "";
    int at = name.indexOf('@');
    if (at >= 0) {
      tagOrDigest = name.substring(at);
      name = name.substring(0, at);
    } else {
      int colon = name.lastIndexOf(':');
      if (colon > name.lastIndexOf('/')) {
        tagOrDigest = name.substring(colon);
        name = name.substring(0, colon);
      }
    }
    if (!name.equals(spec.path("name").asText())) {
      return image;
    }
    if (spec.has("newName")) {
      name = spec.path("newName").asText();
    }
    if (spec.has("digest")) {
      tagOrDigest = "@" + spec.path("digest").asText();
    } else if (spec.has("newTag")) {
      tagOrDigest = ":" + spec.path("newTag").asText();
    }
    return name + tagOrDigest;
  }

  private static void checkUnique(List<ObjectNode> docs, Path file) {
    Set<String> ids = new HashSet<>();
    for (ObjectNode d : docs) {
      String id =
          d.path("apiVersion").asText()
              + "/"
              + d.path("kind").asText()
              + "/"
              + d.path("metadata").path("namespace").asText("")
              + "/"
              + d.path("metadata").path("name").asText();
      if (!ids.add(id)) {
        throw new IllegalArgumentException(file + ": duplicate resource " + id);
      }
    }
  }

  private static JsonNode list(ObjectNode k, String field, Path file) {
    JsonNode v = k.path(field);
    if (v.isMissingNode()) {
      return JsonNodeFactory.instance.arrayNode();
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(file + ": " + field + " must be a list");
    }
    return v;
  }

  private static JsonNode single(List<JsonNode> docs, Path file) {
    if (docs.size() != 1) {
      throw new IllegalArgumentException(file + ": expected one YAML document, got " + docs.size());
    }
    return docs.get(0);
  }

  private static ObjectNode object(JsonNode n, Path file) {
    if (!n.isObject()) {
      throw new IllegalArgumentException(file + ": expected a mapping, got " + n.getNodeType());
    }
    return (ObjectNode) n;
  }

  private static void only(ObjectNode n, Set<String> allowed, Path file) {
    n.fieldNames()
        .forEachRemaining(
            f -> {
              if (!allowed.contains(f)) {
                throw new IllegalArgumentException(file + ": unsupported field " + f);
              }
            });
  }

  private static void expect(ObjectNode n, String field, String value, Path file) {
    if (!n.path(field).asText().equals(value)) {
      throw new IllegalArgumentException(file + ": " + field + " must be " + value);
    }
  }
}
