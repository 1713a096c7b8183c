package io.riffle.service.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.Map;

/**
 * Binds a manifest to fabric8's model class for its apiVersion and kind, rejecting what the API
 * server would reject or silently drop.
 *
 * <p>fabric8's classes catch unknown fields in an {@code @JsonAnySetter} map ({@code
 * additionalProperties}), so {@code FAIL_ON_UNKNOWN_PROPERTIES} alone rejects nothing. The mapper
 * here ignores that annotation, which turns every unknown field (a typo, a field at the wrong
 * level) into an error. A second check serializes the bound object back and requires it to equal
 * the input, which catches scalars of the wrong type that Jackson would coerce (a quoted number of
 * replicas, an unquoted boolean annotation value).
 */
final class StrictModel {

  static final Map<String, Class<? extends HasMetadata>> TYPES =
      Map.of(
          "v1/ConfigMap", ConfigMap.class,
          "v1/Secret", Secret.class,
          "v1/Service", Service.class,
          "apps/v1/StatefulSet", StatefulSet.class,
          "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
          "monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class);

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .annotationIntrospector(new NoAnySetter())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .build();

  private StrictModel() {}

  static HasMetadata parse(JsonNode doc) {
    String type = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
    Class<? extends HasMetadata> cls = TYPES.get(type);
    if (cls == null) {
      throw new IllegalArgumentException("no model class for " + type);
    }
    String name = type + " " + doc.path("metadata").path("name").asText();
    HasMetadata bound;
    try {
      bound = MAPPER.treeToValue(doc, cls);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(name + ": " + e.getOriginalMessage(), e);
    }
    JsonNode back = MAPPER.valueToTree(bound);
    String diff = difference(doc, back, "");
    if (diff != null) {
      throw new IllegalArgumentException(
          name + ": does not round-trip through " + cls.getSimpleName() + " at " + diff);
    }
    return bound;
  }

  /**
   * Where {@code out} differs from {@code in} (a JSON pointer), or null. The model may add {@code
   * apiVersion} and {@code kind} to an embedded object: fabric8 sets them on a StatefulSet's
   * volumeClaimTemplates, and the API server accepts both there.
   */
  static String difference(JsonNode in, JsonNode out, String path) {
    if (in.isObject() && out.isObject()) {
      var names = out.fieldNames();
      while (names.hasNext()) {
        String f = names.next();
        boolean typeMeta = !path.isEmpty() && (f.equals("apiVersion") || f.equals("kind"));
        if (!in.has(f) && !typeMeta) {
          return path + "/" + f + " (added)";
        }
      }
      var fields = in.properties().iterator();
      while (fields.hasNext()) {
        var e = fields.next();
        String p = path + "/" + e.getKey();
        if (!out.has(e.getKey())) {
          return p + " (dropped)";
        }
        String d = difference(e.getValue(), out.get(e.getKey()), p);
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    if (in.isArray() && out.isArray() && in.size() == out.size()) {
      for (int i = 0; i < in.size(); i++) {
        String d = difference(in.get(i), out.get(i), path + "/" + i);
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    boolean same =
        in.isNumber() && out.isNumber()
            ? in.isIntegralNumber() == out.isIntegralNumber()
                && in.decimalValue().compareTo(out.decimalValue()) == 0 // int 60 = long 60
            : in.equals(out);
    return same ? null : path + " (" + in + " became " + out + ")";
  }

  /** Jackson's annotations, minus {@code @JsonAnySetter}. */
  private static final class NoAnySetter extends JacksonAnnotationIntrospector {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean hasAnySetter(Annotated a) {
      return null;
    }
  }
}
