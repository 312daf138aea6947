package dev.streammod.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to feed a model and read its answer: input name, layout and size, normalisation, labels and
 * output kind. Immutable; {@link Builder#build()} validates every field and names the field and its
 * bad value. Pixels are normalised as {@code (x * scale - mean[c]) / std[c]} for x in 0..255, with
 * channels in RGB order.
 *
 * <p>YAML form (every field required, unknown fields rejected):
 *
 * <pre>
 * name: colour-stats
 * version: "1"
 * inputName: pixels
 * outputName: probabilities
 * layout: NCHW
 * width: 64
 * height: 64
 * scale: 0.003921569
 * mean: [0.0, 0.0, 0.0]
 * std: [1.0, 1.0, 1.0]
 * labels: [neutral, red]
 * outputKind: PROBABILITIES
 * </pre>
 */
public final class ModelConfig {
  /** Largest accepted input side; far above any classifier input, small enough to catch typos. */
  public static final int MAX_SIDE = 8192;

  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final List<String> FIELDS =
      List.of(
          "name",
          "version",
          "inputName",
          "outputName",
          "layout",
          "width",
          "height",
          "scale",
          "mean",
          "std",
          "labels",
          "outputKind");
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  private final String name;
  private final String version;
  private final String inputName;
  private final String outputName;
  private final TensorLayout layout;
  private final int width;
  private final int height;
  private final float scale;
  private final float[] mean;
  private final float[] std;
  private final List<String> labels;
  private final OutputKind outputKind;

  private ModelConfig(Builder b) {
    this.name = b.name;
    this.version = b.version;
    this.inputName = b.inputName;
    this.outputName = b.outputName;
    this.layout = b.layout;
    this.width = b.width;
    this.height = b.height;
    this.scale = b.scale;
    this.mean = b.mean.clone();
    this.std = b.std.clone();
    this.labels = List.copyOf(b.labels);
    this.outputKind = b.outputKind;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.version = version;
    b.inputName = inputName;
    b.outputName = outputName;
    b.layout = layout;
    b.width = width;
    b.height = height;
    b.scale = scale;
    b.mean = mean.clone();
    b.std = std.clone();
    b.labels = labels;
    b.outputKind = outputKind;
    return b;
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  public String inputName() {
    return inputName;
  }

  public String outputName() {
    return outputName;
  }

  public TensorLayout layout() {
    return layout;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Multiplier applied to each uint8 value first, e.g. 1/255f. */
  public float scale() {
    return scale;
  }

  /** Per RGB channel, subtracted after scaling. A copy. */
  public float[] mean() {
    return mean.clone();
  }

  /** Per RGB channel, divides after the mean is subtracted. A copy. */
  public float[] std() {
    return std.clone();
  }

  public List<String> labels() {
    return labels;
  }

  public OutputKind outputKind() {
    return outputKind;
  }

  /** Bytes of one packed RGB24 frame at the model size. */
  public int frameBytes() {
    return 3 * width * height;
  }

  /**
   * Reads and validates a YAML config; any problem is an IllegalArgumentException naming the file.
   */
  public static ModelConfig read(Path yamlFile) {
    JsonNode root;
    try {
      root = YAML.readTree(yamlFile.toFile());
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new IllegalArgumentException("model config " + yamlFile + " does not exist", e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "model config " + yamlFile + " is not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model config " + yamlFile, e);
    }
    try {
      return fromTree(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("model config " + yamlFile + ": " + e.getMessage(), e);
    }
  }

  /** Writes this config as YAML, atomically (temp file then move), creating parent folders. */
  public void write(Path yamlFile) {
    ObjectNode root = YAML.createObjectNode();
    root.put("name", name);
    root.put("version", version);
    root.put("inputName", inputName);
    root.put("outputName", outputName);
    root.put("layout", layout.name());
    root.put("width", width);
    root.put("height", height);
    root.put("scale", scale);
    ArrayNode m = root.putArray("mean");
    ArrayNode s = root.putArray("std");
    for (int c = 0; c < 3; c++) {
      m.add(mean[c]);
      s.add(std[c]);
    }
    ArrayNode l = root.putArray("labels");
    labels.forEach(l::add);
    root.put("outputKind", outputKind.name());
    try {
      Path dir = yamlFile.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".config", ".yaml.tmp");
      try {
        YAML.writeValue(tmp.toFile(), root);
        Files.move(
            tmp, yamlFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model config " + yamlFile, e);
    }
  }

  private static ModelConfig fromTree(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "expected a mapping of fields "
              + FIELDS
              + ", got "
              + (root == null ? "nothing" : root.getNodeType()));
    }
    Set<String> unknown = new LinkedHashSet<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        unknown.add(f);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown field(s) " + unknown + "; known fields are " + FIELDS);
    }
    List<String> missing = new ArrayList<>();
    for (String f : FIELDS) {
      if (!root.hasNonNull(f)) {
        missing.add(f);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("missing field(s) " + missing);
    }
    return builder()
        .name(text(root, "name"))
        .version(text(root, "version"))
        .inputName(text(root, "inputName"))
        .outputName(text(root, "outputName"))
        .layout(enumValue(root, "layout", TensorLayout.class))
        .width(integer(root, "width"))
        .height(integer(root, "height"))
        .scale(number(root.get("scale"), "scale"))
        .mean(floats(root, "mean"))
        .std(floats(root, "std"))
        .labels(strings(root, "labels"))
        .outputKind(enumValue(root, "outputKind", OutputKind.class))
        .build();
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (!n.isValueNode()) {
      throw new IllegalArgumentException(field + " must be a scalar, got " + n);
    }
    return n.asText();
  }

  private static int integer(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n.isIntegralNumber() && n.canConvertToInt()) {
      return n.intValue();
    }
    if (n.isTextual()) {
      try {
        return Integer.parseInt(n.textValue().trim());
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new IllegalArgumentException(field + " must be an integer, got " + n);
  }

  private static float number(JsonNode n, String field) {
    if (n != null && n.isNumber()) {
      return n.floatValue();
    }
    if (n != null && n.isTextual()) {
      try {
        return Float.parseFloat(n.textValue().trim());
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new IllegalArgumentException(field + " must be a number, got " + n);
  }

  private static float[] floats(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (!n.isArray()) {
      throw new IllegalArgumentException(field + " must be a list of 3 numbers, got " + n);
    }
    float[] out = new float[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = number(n.get(i), field + "[" + i + "]");
    }
    return out;
  }

  private static List<String> strings(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (!n.isArray()) {
      throw new IllegalArgumentException(field + " must be a list of strings, got " + n);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (e == null || !e.isValueNode() || e.isNull()) {
        throw new IllegalArgumentException(field + "[" + i + "] must be a string, got " + e);
      }
      out.add(e.asText());
    }
    return out;
  }

  private static <E extends Enum<E>> E enumValue(JsonNode root, String field, Class<E> type) {
    String v = text(root, field);
    try {
      return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          field
              + " must be one of "
              + Arrays.toString(type.getEnumConstants())
              + ", got '"
              + v
              + "'",
          e);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ModelConfig)) {
      return false;
    }
    ModelConfig c = (ModelConfig) o;
    return name.equals(c.name)
        && version.equals(c.version)
        && inputName.equals(c.inputName)
        && outputName.equals(c.outputName)
        && layout == c.layout
        && width == c.width
        && height == c.height
        && Float.compare(scale, c.scale) == 0
        && Arrays.equals(mean, c.mean)
        && Arrays.equals(std, c.std)
        && labels.equals(c.labels)
        && outputKind == c.outputKind;
  }

  @Override
  public int hashCode() {
    int h =
        Objects.hash(
            name, version, inputName, outputName, layout, width, height, scale, labels, outputKind);
    return 31 * (31 * h + Arrays.hashCode(mean)) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "ModelConfig{"
        + name
        + ":"
        + version
        + ", input="
        + inputName
        + " "
        + layout
        + " "
        + width
        + "x"
        + height
        + ", scale="
        + scale
        + ", mean="
        + Arrays.toString(mean)
        + ", std="
        + Arrays.toString(std)
        + ", output="
        + outputName
        + " "
        + outputKind
        + ", labels="
        + labels
        + "}";
  }

  /**
   * Defaults: layout NCHW, scale 1/255, mean 0, std 1, output PROBABILITIES. Name, version, input
   * and output names, width, height and labels have no default.
   */
  public static final class Builder {
    private String name;
    private String version;
    private String inputName;
    private String outputName;
    private TensorLayout layout = TensorLayout.NCHW;
    private int width;
    private int height;
    private float scale = 1f / 255f;
    private float[] mean = {0f, 0f, 0f};
    private float[] std = {1f, 1f, 1f};
    private List<String> labels = List.of();
    private OutputKind outputKind = OutputKind.PROBABILITIES;

    private Builder() {}

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder version(String version) {
      this.version = version;
      return this;
    }

    public Builder inputName(String inputName) {
      this.inputName = inputName;
      return this;
    }

    public Builder outputName(String outputName) {
      this.outputName = outputName;
      return this;
    }

    public Builder layout(TensorLayout layout) {
      this.layout = layout;
      return this;
    }

    public Builder width(int width) {
      this.width = width;
      return this;
    }

    public Builder height(int height) {
      this.height = height;
      return this;
    }

    public Builder scale(float scale) {
      this.scale = scale;
      return this;
    }

    public Builder mean(float... mean) {
      this.mean = mean == null ? null : mean.clone();
      return this;
    }

    public Builder std(float... std) {
      this.std = std == null ? null : std.clone();
      return this;
    }

    public Builder labels(List<String> labels) {
      this.labels = labels == null ? null : new ArrayList<>(labels);
      return this;
    }

    public Builder labels(String... labels) {
      return labels(labels == null ? null : Arrays.asList(labels));
    }

    public Builder outputKind(OutputKind outputKind) {
      this.outputKind = outputKind;
      return this;
    }

    /** Validates every field; the message names the field and its bad value. */
    public ModelConfig build() {
      safeName("name", name);
      safeName("version", version);
      notBlank("inputName", inputName);
      notBlank("outputName", outputName);
      notNull("layout", layout);
      side("width", width);
      side("height", height);
      if (!Float.isFinite(scale) || scale <= 0f) {
        throw new IllegalArgumentException("scale must be a finite number > 0, got " + scale);
      }
      channels("mean", mean, false);
      channels("std", std, true);
      if (labels == null || labels.isEmpty()) {
        throw new IllegalArgumentException("labels must list at least one label, got " + labels);
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < labels.size(); i++) {
        String l = labels.get(i);
        if (l == null || l.isBlank()) {
          throw new IllegalArgumentException(
              "labels[" + i + "] must not be blank, got '" + l + "'");
        }
        if (!seen.add(l)) {
          throw new IllegalArgumentException(
              "labels[" + i + "] duplicates '" + l + "' in " + labels);
        }
      }
      notNull("outputKind", outputKind);
      return new ModelConfig(this);
    }

    private static void notNull(String field, Object value) {
      if (value == null) {
        throw new IllegalArgumentException(field + " must be set, got null");
      }
    }

    private static void notBlank(String field, String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(field + " must not be blank, got '" + value + "'");
      }
    }

    private static void safeName(String field, String value) {
      notBlank(field, value);
      if (!SAFE_NAME.matcher(value).matches()) {
        throw new IllegalArgumentException(
            field
                + " must be letters, digits, '.', '_' or '-' (it names a folder), got '"
                + value
                + "'");
      }
    }

    private static void side(String field, int value) {
      if (value < 1 || value > MAX_SIDE) {
        throw new IllegalArgumentException(field + " must be in 1.." + MAX_SIDE + ", got " + value);
      }
    }

    private static void channels(String field, float[] values, boolean positive) {
      if (values == null || values.length != 3) {
        throw new IllegalArgumentException(
            field + " must have 3 values (R, G, B), got " + Arrays.toString(values));
      }
      for (int c = 0; c < 3; c++) {
        float v = values[c];
        if (!Float.isFinite(v) || (positive && v <= 0f)) {
          throw new IllegalArgumentException(
              field
                  + "["
                  + c
                  + "] must be "
                  + (positive ? "a finite number > 0" : "finite")
                  + ", got "
                  + v);
        }
      }
    }
  }
}
