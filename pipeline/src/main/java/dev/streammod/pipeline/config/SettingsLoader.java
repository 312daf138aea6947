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

  /**
   * Keys whose values are maps of Kafka client properties, whose names hold dots themselves: in
   * {@code kafka.producer.transaction.timeout.ms} everything after the prefix is one name.
   */
  private static final java.util.List<String> PROPERTY_MAPS = java.util.List.of("kafka.consumer.", "kafka.producer.");

  private SettingsLoader() {}

  /**
   * @param file YAML file, or null for defaults only
   * @param overrides dotted path to value; values are parsed as YAML scalars
   */
  public static JobSettings load(Path file, Map<String, String> overrides) {
    if (file == null) {
      return apply(JsonNodeFactory.instance.objectNode(), "defaults", overrides);
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("configuration file " + file + " does not exist");
    }
    String source = "configuration file " + file;
    try {
      return apply(topLevel(YAML.readTree(file.toFile()), source), file.toString(), overrides);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  /**
   * The same from YAML text, e.g. a configuration file's content passed as a program argument to
   * a cluster that cannot read the submitter's files.
   *
   * @param source what the text is, for messages
   */
  public static JobSettings loadText(String yaml, String source, Map<String, String> overrides) {
    try {
      return apply(topLevel(YAML.readTree(yaml), source), source, overrides);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  private static ObjectNode topLevel(JsonNode node, String source) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(source + " must hold a YAML mapping at the top level");
    }
    return (ObjectNode) node;
  }

  private static JobSettings apply(ObjectNode tree, String source, Map<String, String> overrides) {
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

  private static String[] split(String dottedPath) {
    for (String prefix : PROPERTY_MAPS) {
      if (dottedPath.startsWith(prefix) && dottedPath.length() > prefix.length()) {
        String[] head = prefix.substring(0, prefix.length() - 1).split("\\.");
        String[] parts = java.util.Arrays.copyOf(head, head.length + 1);
        parts[head.length] = dottedPath.substring(prefix.length());
        return parts;
      }
    }
    return dottedPath.split("\\.");
  }

  private static void set(ObjectNode root, String dottedPath, String value) {
    String[] parts = split(dottedPath);
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
