package dev.streammod.models.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A TensorFlow.js "layers" model: the Keras topology ({@code class_name} + {@code config}) and its
 * weights, decoded from the weights manifest and shards the way tfjs-core's {@code decodeWeights}
 * does it. Quantised weights are dequantised as {@code float32(q * scale + min)} (computed in
 * double precision, as JavaScript does) for uint8 and uint16, and float16 is widened to float32.
 * Weights stored as uint8 keep their codes beside the floats ({@link Weight#uint8()}).
 */
public final class TfjsLayersModel {
  /** Supplies a shard's bytes by the path the manifest names. */
  @FunctionalInterface
  public interface ShardSource {
    byte[] read(String path) throws IOException;
  }

  private final JsonNode topology;
  private final Map<String, Weight> weights;

  private TfjsLayersModel(JsonNode topology, Map<String, Weight> weights) {
    this.topology = topology;
    this.weights = Collections.unmodifiableMap(weights);
  }

  /** The Keras model: an object with {@code class_name} (Model, Functional or Sequential). */
  public JsonNode topology() {
    return topology;
  }

  /** Weights by manifest name, e.g. {@code Conv1/kernel}, in manifest order. */
  public Map<String, Weight> weights() {
    return weights;
  }

  /** A model from the standard tfjs files: {@code model.json} and its binary shards beside it. */
  public static TfjsLayersModel fromDirectory(Path dir) {
    Path modelJson = dir.resolve("model.json");
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(modelJson.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tfjs model " + modelJson, e);
    }
    return of(
        root,
        path -> {
          try {
            return Files.readAllBytes(dir.resolve(path));
          } catch (NoSuchFileException e) {
            throw new NoSuchFileException(
                dir.resolve(path).toString(), null, "weight shard named in " + modelJson);
          }
        },
        modelJson.toString());
  }

  /**
   * A model from the content of a {@code model.json} ({@code modelTopology} + {@code
   * weightsManifest}); {@code where} names its origin in error messages.
   */
  public static TfjsLayersModel of(JsonNode modelJson, ShardSource shards, String where) {
    Objects.requireNonNull(modelJson, "modelJson");
    JsonNode topology = modelJson.path("modelTopology");
    if (topology.has("model_config")) { // Keras 2.x export: {keras_version, backend, model_config}
      topology = topology.get("model_config");
    }
    if (!topology.has("class_name") || !topology.has("config")) {
      throw new IllegalArgumentException(
          where + ": modelTopology holds no Keras model (class_name and config)");
    }
    JsonNode manifest = modelJson.path("weightsManifest");
    if (!manifest.isArray()) {
      throw new IllegalArgumentException(where + ": weightsManifest is missing or not a list");
    }
    Map<String, Weight> weights = new LinkedHashMap<>();
    for (JsonNode group : manifest) {
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      for (JsonNode p : group.path("paths")) {
        try {
          data.writeBytes(shards.read(p.asText()));
        } catch (IOException e) {
          throw new UncheckedIOException(
              where + ": cannot read weight shard '" + p.asText() + "'", e);
        }
      }
      decodeGroup(group.path("weights"), data.toByteArray(), weights, where);
    }
    return new TfjsLayersModel(topology, weights);
  }

  private static void decodeGroup(
      JsonNode specs, byte[] bytes, Map<String, Weight> out, String where) {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (JsonNode spec : specs) {
      String name = spec.path("name").asText();
      JsonNode shapeNode = spec.path("shape");
      int[] shape = new int[shapeNode.size()];
      long count = 1;
      for (int i = 0; i < shape.length; i++) {
        shape[i] = shapeNode.get(i).asInt();
        count *= shape[i];
      }
      String dtype = spec.path("dtype").asText("float32");
      JsonNode q = spec.get("quantization");
      String stored = q == null ? dtype : q.path("dtype").asText();
      int width = bytesPer(stored, name, where);
      if (!dtype.equals("float32") && !dtype.equals("int32")) {
        throw new IllegalArgumentException(
            where + ": weight '" + name + "' has dtype " + dtype + "; only float32 and int32");
      }
      if (buf.remaining() < count * width) {
        throw new IllegalArgumentException(
            where
                + ": weight '"
                + name
                + "' needs "
                + count * width
                + " bytes but its shards hold only "
                + buf.remaining()
                + " more (shards and manifest do not match)");
      }
      float[] values = new float[(int) count];
      Weight.Uint8 uint8 = null;
      if (q == null) {
        for (int i = 0; i < values.length; i++) {
          values[i] = dtype.equals("int32") ? buf.getInt() : buf.getFloat();
        }
      } else if (stored.equals("float16")) {
        for (int i = 0; i < values.length; i++) {
          values[i] = halfToFloat(buf.getShort());
        }
      } else {
        if (!q.has("min") || !q.has("scale")) {
          throw new IllegalArgumentException(
              where + ": weight '" + name + "' is quantised to " + stored + " without min/scale");
        }
        double min = q.get("min").asDouble();
        double scale = q.get("scale").asDouble();
        boolean keepCodes = stored.equals("uint8") && dtype.equals("float32");
        byte[] codes = keepCodes ? new byte[values.length] : null;
        for (int i = 0; i < values.length; i++) {
          int v = stored.equals("uint8") ? buf.get() & 0xFF : buf.getShort() & 0xFFFF;
          if (keepCodes) {
            codes[i] = (byte) v;
            values[i] = Weight.Uint8.dequantise(v, scale, min);
          } else {
            double d = v * scale + min;
            values[i] = dtype.equals("int32") ? (float) Math.round(d) : (float) d;
          }
        }
        if (keepCodes) {
          uint8 = new Weight.Uint8(codes, scale, min);
        }
      }
      if (out.put(name, new Weight(name, shape, values, uint8)) != null) {
        throw new IllegalArgumentException(where + ": weight '" + name + "' appears twice");
      }
    }
    if (buf.hasRemaining()) {
      throw new IllegalArgumentException(
          where
              + ": "
              + buf.remaining()
              + " bytes of weight data are left over after the last weight of a group "
              + "(shards and manifest do not match)");
    }
  }

  private static int bytesPer(String dtype, String name, String where) {
    switch (dtype) {
      case "float32":
      case "int32":
        return 4;
      case "uint16":
      case "float16":
        return 2;
      case "uint8":
        return 1;
      default:
        throw new IllegalArgumentException(
            where
                + ": weight '"
                + name
                + "' is stored as "
                + dtype
                + "; supported: float32, int32, and quantised uint8, uint16, float16");
    }
  }

  /** IEEE 754 binary16 to float. */
  static float halfToFloat(short bits) {
    int h = bits & 0xFFFF;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1F;
    int mant = h & 0x3FF;
    if (exp == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant / 1024f / 16384f; // subnormal: mant * 2^-24
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }
}
