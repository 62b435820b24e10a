package io.vxgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a Kubernetes manifest into the typed API model (fabric8) and refuses what the API server
 * would refuse or silently drop: an unknown kind, an unknown field (fabric8 keeps those in {@code
 * additionalProperties} instead of failing), and a value of the wrong type (kept there too, or
 * coerced, which the round trip back to JSON shows).
 */
final class StrictKubernetes {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final ObjectMapper JSON = new ObjectMapper();

  private StrictKubernetes() {}

  /** The typed object of a one-document manifest; fails on anything the model does not know. */
  static HasMetadata read(Path file) {
    Map<String, Object> doc = DeployFiles.yamlMap(file);
    JsonNode input = JSON.valueToTree(doc);
    Object parsed = SERIALIZATION.unmarshal(input.toString());
    assertThat(parsed)
        .as("%s: kind %s of %s is a known API type", file, doc.get("kind"), doc.get("apiVersion"))
        .isInstanceOf(HasMetadata.class)
        .isNotInstanceOf(GenericKubernetesResource.class);
    assertThat(unknownFields(parsed))
        .as("%s: fields unknown to the Kubernetes API", file)
        .isEmpty();
    JsonNode back = JSON.valueToTree(parsed);
    List<String> changed = new ArrayList<>();
    diff(input, back, "", changed);
    assertThat(changed)
        .as("%s: values the typed model coerced or dropped (input vs written back)", file)
        .isEmpty();
    return (HasMetadata) parsed;
  }

  /** The paths where two JSON trees differ, with both values. */
  private static void diff(JsonNode a, JsonNode b, String path, List<String> out) {
    if (a.isObject() && b.isObject()) {
      Set<String> names = new TreeSet<>();
      a.fieldNames().forEachRemaining(names::add);
      b.fieldNames().forEachRemaining(names::add);
      for (String n : names) {
        String p = path.isEmpty() ? n : path + "." + n;
        JsonNode x = a.get(n);
        JsonNode y = b.get(n);
        if (x == null || y == null) {
          out.add(p + ": " + x + " -> " + y);
        } else {
          diff(x, y, p, out);
        }
      }
    } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
      for (int i = 0; i < a.size(); i++) {
        diff(a.get(i), b.get(i), path + "[" + i + "]", out);
      }
    } else if (a.isNumber() && b.isNumber()) {
      if (a.decimalValue().compareTo(b.decimalValue()) != 0) {
        out.add(path + ": " + a + " -> " + b);
      }
    } else if (!a.equals(b)) {
      out.add(path + ": " + a + " -> " + b);
    }
  }

  /** The paths of every {@code additionalProperties} entry in a fabric8 object tree. */
  static List<String> unknownFields(Object model) {
    List<String> out = new ArrayList<>();
    walk(model, "", out, Collections.newSetFromMap(new IdentityHashMap<>()));
    return out;
  }

  private static void walk(Object o, String path, List<String> out, Set<Object> seen) {
    if (o == null || !seen.add(o)) {
      return;
    }
    if (o instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        walk(l.get(i), path + "[" + i + "]", out, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> walk(v, path + "." + k, out, seen));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      String n = m.getName();
      if (m.getParameterCount() != 0
          || Modifier.isStatic(m.getModifiers())
          || !n.startsWith("get")
          || n.equals("getClass")) {
        continue;
      }
      Object value;
      try {
        value = m.invoke(o);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue; // a computed getter (Quantity#getNumericalAmount) that does not apply
      }
      if (n.equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra) {
          extra.keySet().forEach(k -> out.add((path.isEmpty() ? "" : path + ".") + k));
        }
        continue;
      }
      String property = Character.toLowerCase(n.charAt(3)) + n.substring(4);
      walk(value, path.isEmpty() ? property : path + "." + property, out, seen);
    }
  }
}
