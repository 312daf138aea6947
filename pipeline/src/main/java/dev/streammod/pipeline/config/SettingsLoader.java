package dev.streammod.pipeline.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads {@link JobSettings} from YAML, then applies overrides given as dotted paths ({@code
 * kafka.bootstrap-servers=host:9092}), so that command-line flags win over the file.
 */
public final class SettingsLoader {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private SettingsLoader() {}

  /**
   * @param file YAML file, or null for defaults only
   * @param overrides dotted path to value; values are parsed as YAML scalars
   */
  public static JobSettings load(Path file, Map<String, String> overrides) {
    String source = file == null ? "defaults" : file.toString();
    ObjectNode tree;
    if (file == null) {
      tree = JsonNodeFactory.instance.objectNode();
    } else {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("configuration file " + file + " does not exist");
      }
      try {
        JsonNode node = YAML.readTree(file.toFile());
        if (node == null || node.isMissingNode() || node.isNull()) {
          tree = JsonNodeFactory.instance.objectNode();
        } else if (!node.isObject()) {
          throw new IllegalArgumentException(
              "configuration file " + file + " must hold a YAML mapping at the top level");
        } else {
          tree = (ObjectNode) node;
        }
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "configuration file " + file + " is not valid YAML: " + e.getMessage(), e);
      }
    }
    for (Map.Entry<String, String> o : overrides.entrySet()) {
      set(tree, o.getKey(), o.getValue());
    }
    return bind(tree, source);
  }

  static JobSettings bind(ObjectNode tree, String source) {
    try {
      return YAML.treeToValue(tree, JobSettings.class);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalArgumentException(
          "invalid configuration (" + source + "): " + cause.getMessage(), cause);
    } catch (UnrecognizedPropertyException e) {
      throw new IllegalArgumentException(
          "invalid configuration ("
              + source
              + "): unknown key '"
              + path(e)
              + "'; known keys here: "
              + e.getKnownPropertyIds(),
          e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "invalid configuration (" + source + ") at '" + pathOf(e) + "': " + e.getOriginalMessage(), e);
    }
  }

  private static String path(UnrecognizedPropertyException e) {
    return pathOf(e);
  }

  private static String pathOf(IOException e) {
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
      StringBuilder sb = new StringBuilder();
      for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          sb.append('[').append(r.getIndex()).append(']');
        }
      }
      return sb.toString();
    }
    return "?";
  }

  private static void set(ObjectNode root, String dottedPath, String value) {
    String[] parts = dottedPath.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (child == null || !child.isObject()) {
        child = node.putObject(parts[i]);
      }
      node = (ObjectNode) child;
    }
    try {
      JsonNode parsed = YAML.readTree(value);
      if (parsed == null || parsed.isMissingNode()) {
        node.putNull(parts[parts.length - 1]);
      } else {
        node.set(parts[parts.length - 1], parsed);
      }
    } catch (IOException e) {
      node.put(parts[parts.length - 1], value);
    }
  }
}
