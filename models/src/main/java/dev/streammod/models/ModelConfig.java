package dev.streammod.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.streammod.models.io.AtomicFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How to feed a model and read its answer: input name, layout and size, normalisation, labels and
 * output kind. Immutable; the constructor (and so {@link Builder#build()} and {@link #read}) checks
 * every field and names the field and its bad value. Pixels are normalised as {@code (x * scale -
 * mean[c]) / std[c]} for x in 0..255, with channels in RGB order.
 *
 * <p>YAML form (every field required, unknown fields rejected; numbers may be quoted, enums in any
 * case):
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
 *
 * @param scale multiplier applied to each uint8 value first, e.g. 1/255f
 */
public record ModelConfig(
    String name,
    String version,
    String inputName,
    String outputName,
    TensorLayout layout,
    int width,
    int height,
    float scale,
    float[] mean,
    float[] std,
    List<String> labels,
    OutputKind outputKind) {

  /** Largest accepted input side; far above any classifier input, small enough to catch typos. */
  public static final int MAX_SIDE = 8192;

  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final List<String> FIELDS =
      Arrays.stream(ModelConfig.class.getRecordComponents()).map(RecordComponent::getName).toList();
  private static final ObjectMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                  .build())
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // width: 8.5 is a typo, not 8
          .build();

  /** Checks every field; the message names the field and its bad value. */
  public ModelConfig {
    safeName("name", name);
    safeName("version", version);
    notBlank("inputName", inputName);
    notBlank("outputName", outputName);
    check(layout != null, "layout", "be set", null);
    check(width >= 1 && width <= MAX_SIDE, "width", "be in 1.." + MAX_SIDE, width);
    check(height >= 1 && height <= MAX_SIDE, "height", "be in 1.." + MAX_SIDE, height);
    check(Float.isFinite(scale) && scale > 0f, "scale", "be a finite number > 0", scale);
    mean = channels("mean", mean, false);
    std = channels("std", std, true);
    check(labels != null && !labels.isEmpty(), "labels", "list at least one label", labels);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < labels.size(); i++) {
      String l = labels.get(i);
      check(l != null && !l.isBlank(), "labels[" + i + "]", "not be blank", "'" + l + "'");
      check(seen.add(l), "labels[" + i + "]", "be unique", "'" + l + "' again in " + labels);
    }
    labels = List.copyOf(labels);
    check(outputKind != null, "outputKind", "be set", null);
  }

  /**
   * Defaults: layout NCHW, scale 1/255, mean 0, std 1, output PROBABILITIES. Name, version, input
   * and output names, width, height and labels have no default.
   */
  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .name(name)
        .version(version)
        .inputName(inputName)
        .outputName(outputName)
        .layout(layout)
        .width(width)
        .height(height)
        .scale(scale)
        .mean(mean)
        .std(std)
        .labels(labels)
        .outputKind(outputKind);
  }

  /** Per RGB channel, subtracted after scaling. A copy. */
  @Override
  public float[] mean() {
    return mean.clone();
  }

  /** Per RGB channel, divides after the mean is subtracted. A copy. */
  @Override
  public float[] std() {
    return std.clone();
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
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("model config " + yamlFile + " does not exist", e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "model config " + yamlFile + " is not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model config " + yamlFile, e);
    }
    try {
      return bind(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("model config " + yamlFile + ": " + e.getMessage(), e);
    }
  }

  /** Writes this config as YAML, atomically (temp file then move), creating parent folders. */
  public void write(Path yamlFile) {
    try {
      AtomicFiles.write(yamlFile, YAML.writeValueAsBytes(this));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model config " + yamlFile, e);
    }
  }

  private static ModelConfig bind(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "expected a mapping of fields "
              + FIELDS
              + ", got "
              + (root == null || root.isMissingNode() ? "nothing" : root.getNodeType()));
    }
    // Checked here rather than by Jackson, which would name only the first one.
    Set<String> unknown = new LinkedHashSet<>();
    root.fieldNames().forEachRemaining(unknown::add);
    unknown.removeAll(FIELDS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown field(s) " + unknown + "; known fields are " + FIELDS);
    }
    List<String> missing = FIELDS.stream().filter(f -> !root.hasNonNull(f)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("missing field(s) " + missing);
    }
    try {
      return YAML.treeToValue(root, ModelConfig.class);
    } catch (ValueInstantiationException e) {
      // The constructor refused a value; its message names the field and the value.
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalArgumentException(cause.getMessage(), e);
    } catch (MismatchedInputException e) {
      JsonNode found = root;
      for (JsonMappingException.Reference r : e.getPath()) {
        found = r.getFieldName() != null ? found.path(r.getFieldName()) : found.path(r.getIndex());
      }
      throw new IllegalArgumentException(
          path(e) + " must be " + expected(e.getTargetType()) + ", got " + found, e);
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException(path(e) + ": " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "valid";
    } else if (type.isEnum()) {
      return "one of " + Arrays.toString(type.getEnumConstants());
    } else if (type == int.class) {
      return "an integer";
    } else if (type == float.class) {
      return "a number";
    } else if (type == float[].class) {
      return "a list of 3 numbers";
    } else if (Collection.class.isAssignableFrom(type)) {
      return "a list of strings";
    }
    return "a scalar";
  }

  /** {@code std[1]}: where in the file Jackson failed. */
  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining());
  }

  private static void check(boolean ok, String field, String must, Object got) {
    if (!ok) {
      throw new IllegalArgumentException(field + " must " + must + ", got " + got);
    }
  }

  private static void notBlank(String field, String value) {
    check(value != null && !value.isBlank(), field, "not be blank", "'" + value + "'");
  }

  private static void safeName(String field, String value) {
    notBlank(field, value);
    check(
        SAFE_NAME.matcher(value).matches(),
        field,
        "be letters, digits, '.', '_' or '-' (it names a folder)",
        "'" + value + "'");
  }

  /** A checked copy. */
  private static float[] channels(String field, float[] values, boolean positive) {
    check(
        values != null && values.length == 3,
        field,
        "have 3 values (R, G, B)",
        Arrays.toString(values));
    for (int c = 0; c < 3; c++) {
      float v = values[c];
      check(
          Float.isFinite(v) && (!positive || v > 0f),
          field + "[" + c + "]",
          positive ? "be a finite number > 0" : "be finite",
          v);
    }
    return values.clone();
  }

  // A record compares arrays by identity; these compare mean and std by content.

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelConfig c
        && name.equals(c.name)
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
    return ("ModelConfig{%s:%s, input=%s %s %dx%d, scale=%s, mean=%s, std=%s,"
            + " output=%s %s, labels=%s}")
        .formatted(
            name,
            version,
            inputName,
            layout,
            width,
            height,
            scale,
            Arrays.toString(mean),
            Arrays.toString(std),
            outputName,
            outputKind,
            labels);
  }

  /** See {@link ModelConfig#builder()} for the defaults. */
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
      return new ModelConfig(
          name, version, inputName, outputName, layout, width, height, scale, mean, std, labels,
          outputKind);
    }
  }
}
