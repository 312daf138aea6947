package dev.streammod.models.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Test fixture: builds a tiny Keras functional model layer by layer, writes it in the tfjs layers
 * format (model.json + two binary shards, float32 or uint8-quantised weights), and computes the
 * same model with a plain, loop-by-loop Java reference (NHWC, one item at a time, double sums).
 */
final class TinyKeras {
  /** One item's tensor without the batch dimension: [H, W, C] or [K], row-major. */
  record Nd(int[] shape, double[] v) {
    int h() {
      return shape[0];
    }

    int w() {
      return shape[1];
    }

    int c() {
      return shape[2];
    }

    double at(int y, int x, int c) {
      return v[(y * shape[1] + x) * shape[2] + c];
    }
  }

  private static final JsonNodeFactory J = JsonNodeFactory.instance;

  private final Random random;
  private final boolean quantised;
  private final List<ObjectNode> layers = new ArrayList<>();
  private final Map<String, float[]> weightValues = new LinkedHashMap<>();
  private final Map<String, int[]> weightShapes = new HashMap<>();
  private final Map<String, double[]> quantisation = new HashMap<>(); // name -> {min, scale}
  private final Map<String, Function<Map<String, Nd>, Nd>> reference = new HashMap<>();
  private final List<String> order = new ArrayList<>();
  private String inputName;
  private int[] inputShape;

  TinyKeras(long seed, boolean quantised) {
    this.random = new Random(seed);
    this.quantised = quantised;
  }

  int[] inputShape() {
    return inputShape.clone();
  }

  // ---------------------------------------------------------------------------------------------
  // Layers

  String input(String name, int... shape) {
    ObjectNode c = J.objectNode();
    ArrayNode s = c.putArray("batch_input_shape");
    s.addNull();
    for (int d : shape) {
      s.add(d);
    }
    c.put("dtype", "float32").put("sparse", false).put("name", name);
    inputName = name;
    inputShape = shape.clone();
    return layer(name, "InputLayer", c, List.of(), in -> in.get(name));
  }

  String zeroPad(String name, String in, int top, int bottom, int left, int right) {
    ObjectNode c = config(name);
    ArrayNode p = c.putArray("padding");
    p.addArray().add(top).add(bottom);
    p.addArray().add(left).add(right);
    c.put("data_format", "channels_last");
    return layer(
        name,
        "ZeroPadding2D",
        c,
        List.of(in),
        v -> {
          Nd x = v.get(in);
          int h = x.h() + top + bottom;
          int w = x.w() + left + right;
          double[] out = new double[h * w * x.c()];
          for (int y = 0; y < x.h(); y++) {
            for (int xx = 0; xx < x.w(); xx++) {
              for (int ch = 0; ch < x.c(); ch++) {
                out[((y + top) * w + xx + left) * x.c() + ch] = x.at(y, xx, ch);
              }
            }
          }
          return new Nd(new int[] {h, w, x.c()}, out);
        });
  }

  String conv(
      String name,
      String in,
      int cin,
      int filters,
      int kernel,
      int stride,
      int dilation,
      String padding,
      boolean bias,
      String activation) {
    return conv(
        name, in, cin, filters, kernel, kernel, stride, dilation, padding, bias, activation);
  }

  /** A convolution with a kernel of {@code kh x kw} (InceptionV3 has 1x7 and 7x1 ones). */
  String conv(
      String name,
      String in,
      int cin,
      int filters,
      int kh,
      int kw,
      int stride,
      int dilation,
      String padding,
      boolean bias,
      String activation) {
    ObjectNode c = config(name);
    c.put("filters", filters);
    c.putArray("kernel_size").add(kh).add(kw);
    c.putArray("strides").add(stride).add(stride);
    c.put("padding", padding).put("data_format", "channels_last");
    c.putArray("dilation_rate").add(dilation).add(dilation);
    c.put("activation", activation).put("use_bias", bias);
    float[] k = weight(name + "/kernel", new int[] {kh, kw, cin, filters}, -0.5, 0.5);
    float[] b = bias ? weight(name + "/bias", new int[] {filters}, -0.3, 0.3) : null;
    return layer(
        name,
        "Conv2D",
        c,
        List.of(in),
        v -> {
          Nd x = v.get(in);
          return activate(
              convolve(x, kh, kw, stride, dilation, padding, filters, 1, k, b, false), activation);
        });
  }

  String depthwise(
      String name, String in, int cin, int kernel, int stride, String padding, int multiplier) {
    ObjectNode c = config(name);
    c.putArray("kernel_size").add(kernel).add(kernel);
    c.putArray("strides").add(stride).add(stride);
    c.put("padding", padding).put("data_format", "channels_last");
    c.putArray("dilation_rate").add(1).add(1);
    c.put("activation", "linear").put("use_bias", false).put("depth_multiplier", multiplier);
    float[] k =
        weight(name + "/depthwise_kernel", new int[] {kernel, kernel, cin, multiplier}, -1, 1);
    return layer(
        name,
        "DepthwiseConv2D",
        c,
        List.of(in),
        v ->
            convolve(
                v.get(in),
                kernel,
                kernel,
                stride,
                1,
                padding,
                cin * multiplier,
                multiplier,
                k,
                null,
                true));
  }

  String batchNorm(String name, String in, int channels) {
    return batchNorm(name, in, channels, true);
  }

  /** {@code scale} false: no gamma (InceptionV3's BatchNormalization layers have none). */
  String batchNorm(String name, String in, int channels, boolean scale) {
    ObjectNode c = config(name);
    c.put("axis", -1).put("momentum", 0.99).put("epsilon", 0.001).put("center", true);
    c.put("scale", scale);
    float[] gamma = new float[channels];
    if (scale) {
      gamma = weight(name + "/gamma", new int[] {channels}, 0.5, 1.5);
    } else {
      Arrays.fill(gamma, 1f);
    }
    float[] g = gamma;
    float[] beta = weight(name + "/beta", new int[] {channels}, -0.5, 0.5);
    float[] mean = weight(name + "/moving_mean", new int[] {channels}, -0.5, 0.5);
    float[] var = weight(name + "/moving_variance", new int[] {channels}, 0.2, 2.0);
    return layer(
        name,
        "BatchNormalization",
        c,
        List.of(in),
        v -> {
          Nd x = v.get(in);
          int ch = x.shape()[x.shape().length - 1];
          double[] out = new double[x.v().length];
          for (int i = 0; i < out.length; i++) {
            int k = i % ch;
            out[i] = (x.v()[i] - mean[k]) / Math.sqrt(var[k] + 0.001) * g[k] + beta[k];
          }
          return new Nd(x.shape(), out);
        });
  }

  String relu(String name, String in, Double maxValue) {
    ObjectNode c = config(name);
    if (maxValue == null) {
      c.putNull("max_value");
    } else {
      c.put("max_value", maxValue);
    }
    c.put("negative_slope", 0).put("threshold", 0);
    return layer(
        name,
        "ReLU",
        c,
        List.of(in),
        v -> {
          Nd x = v.get(in);
          double[] out = new double[x.v().length];
          for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(0, x.v()[i]);
            if (maxValue != null) {
              out[i] = Math.min(maxValue, out[i]);
            }
          }
          return new Nd(x.shape(), out);
        });
  }

  String add(String name, String... ins) {
    return layer(
        name,
        "Add",
        config(name),
        List.of(ins),
        v -> {
          Nd first = v.get(ins[0]);
          double[] out = new double[first.v().length];
          for (String in : ins) {
            double[] x = v.get(in).v();
            for (int i = 0; i < out.length; i++) {
              out[i] += x[i];
            }
          }
          return new Nd(first.shape(), out);
        });
  }

  /** An Activation layer with activation relu. */
  String activation(String name, String in) {
    ObjectNode c = config(name);
    c.put("activation", "relu");
    return layer(name, "Activation", c, List.of(in), v -> activate(v.get(in), "relu"));
  }

  /** Concatenation on {@code axis} (Keras's, NHWC: -1 or 3 the channels, 1 height, 2 width). */
  String concatenate(String name, int axis, String... ins) {
    ObjectNode c = config(name);
    c.put("axis", axis);
    return layer(
        name,
        "Concatenate",
        c,
        List.of(ins),
        v -> {
          if (v.get(ins[0]).shape().length == 1) { // vectors: one after the other
            double[] out = new double[0];
            for (String in : ins) {
              double[] x = v.get(in).v();
              out = Arrays.copyOf(out, out.length + x.length);
              System.arraycopy(x, 0, out, out.length - x.length, x.length);
            }
            return new Nd(new int[] {out.length}, out);
          }
          int a = axis < 0 ? axis + 3 : axis - 1; // axis of [H, W, C]
          int[] shape = v.get(ins[0]).shape().clone();
          shape[a] = 0;
          for (String in : ins) {
            shape[a] += v.get(in).shape()[a];
          }
          double[] out = new double[shape[0] * shape[1] * shape[2]];
          int offset = 0;
          for (String in : ins) {
            Nd x = v.get(in);
            for (int y = 0; y < x.h(); y++) {
              for (int xx = 0; xx < x.w(); xx++) {
                for (int ch = 0; ch < x.c(); ch++) {
                  int[] at = {y, xx, ch};
                  at[a] += offset;
                  out[(at[0] * shape[1] + at[1]) * shape[2] + at[2]] = x.at(y, xx, ch);
                }
              }
            }
            offset += x.shape()[a];
          }
          return new Nd(shape, out);
        });
  }

  /** MaxPooling2D; 'same' windows take the maximum over the real pixels only, as TensorFlow. */
  String maxPool(String name, String in, int pool, int stride, String padding) {
    ObjectNode c = config(name);
    c.putArray("pool_size").add(pool).add(pool);
    c.putArray("strides").add(stride).add(stride);
    c.put("padding", padding).put("data_format", "channels_last");
    return layer(
        name,
        "MaxPooling2D",
        c,
        List.of(in),
        v -> {
          Nd x = v.get(in);
          int[] oh = outSize(x.h(), pool, stride, 1, padding);
          int[] ow = outSize(x.w(), pool, stride, 1, padding);
          double[] out = new double[oh[0] * ow[0] * x.c()];
          for (int y = 0; y < oh[0]; y++) {
            for (int xx = 0; xx < ow[0]; xx++) {
              for (int ch = 0; ch < x.c(); ch++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int ky = 0; ky < pool; ky++) {
                  for (int kx = 0; kx < pool; kx++) {
                    int sy = y * stride + ky - oh[1];
                    int sx = xx * stride + kx - ow[1];
                    if (sy >= 0 && sy < x.h() && sx >= 0 && sx < x.w()) {
                      max = Math.max(max, x.at(sy, sx, ch));
                    }
                  }
                }
                out[(y * ow[0] + xx) * x.c() + ch] = max;
              }
            }
          }
          return new Nd(new int[] {oh[0], ow[0], x.c()}, out);
        });
  }

  String averagePool(String name, String in, int pool, int stride, String padding) {
    ObjectNode c = config(name);
    c.putArray("pool_size").add(pool).add(pool);
    c.putArray("strides").add(stride).add(stride);
    c.put("padding", padding).put("data_format", "channels_last");
    return layer(
        name,
        "AveragePooling2D",
        c,
        List.of(in),
        v -> {
          Nd x = v.get(in);
          int[] oh = outSize(x.h(), pool, stride, 1, padding);
          int[] ow = outSize(x.w(), pool, stride, 1, padding);
          double[] out = new double[oh[0] * ow[0] * x.c()];
          for (int y = 0; y < oh[0]; y++) {
            for (int xx = 0; xx < ow[0]; xx++) {
              for (int ch = 0; ch < x.c(); ch++) {
                double sum = 0;
                int n = 0;
                for (int ky = 0; ky < pool; ky++) {
                  for (int kx = 0; kx < pool; kx++) {
                    int sy = y * stride + ky - oh[1];
                    int sx = xx * stride + kx - ow[1];
                    if (sy >= 0 && sy < x.h() && sx >= 0 && sx < x.w()) {
                      sum += x.at(sy, sx, ch);
                      n++;
                    }
                  }
                }
                out[(y * ow[0] + xx) * x.c() + ch] = sum / n;
              }
            }
          }
          return new Nd(new int[] {oh[0], ow[0], x.c()}, out);
        });
  }

  String flatten(String name, String in) {
    ObjectNode c = config(name);
    c.put("data_format", "channels_last");
    return layer(
        name,
        "Flatten",
        c,
        List.of(in),
        v -> new Nd(new int[] {v.get(in).v().length}, v.get(in).v().clone()));
  }

  String dense(String name, String in, int inputs, int units, String activation) {
    ObjectNode c = config(name);
    c.put("units", units).put("activation", activation).put("use_bias", true);
    float[] k = weight(name + "/kernel", new int[] {inputs, units}, -0.5, 0.5);
    float[] b = weight(name + "/bias", new int[] {units}, -0.2, 0.2);
    return layer(
        name,
        "Dense",
        c,
        List.of(in),
        v -> {
          double[] x = v.get(in).v();
          double[] out = new double[units];
          for (int j = 0; j < units; j++) {
            double s = b[j];
            for (int i = 0; i < inputs; i++) {
              s += x[i] * k[i * units + j];
            }
            out[j] = s;
          }
          return activate(new Nd(new int[] {units}, out), activation);
        });
  }

  String dropout(String name, String in, double rate) {
    ObjectNode c = config(name);
    c.put("rate", rate).putNull("noise_shape").putNull("seed");
    return layer(name, "Dropout", c, List.of(in), v -> v.get(in));
  }

  /** Overwrites a weight's values in place (the reference sees the same array). */
  void set(String weightName, float... values) {
    float[] v = weightValues.get(weightName);
    if (v == null || v.length != values.length) {
      throw new IllegalArgumentException(weightName + " has no " + values.length + " values");
    }
    System.arraycopy(values, 0, v, 0, v.length);
  }

  /** Any layer, for error cases; its reference is the identity. */
  String raw(String name, String className, ObjectNode c, String in) {
    return layer(name, className, c, List.of(in), v -> v.get(in));
  }

  // ---------------------------------------------------------------------------------------------
  // Output

  /** Writes model.json plus two shards (the weight bytes split in the middle). */
  void write(Path dir, String output, boolean sequential) throws IOException {
    Files.createDirectories(dir);
    ObjectNode modelConfig = J.objectNode();
    if (sequential) {
      modelConfig.put("class_name", "Sequential");
      ArrayNode list = modelConfig.putObject("config").put("name", "tiny").putArray("layers");
      for (ObjectNode l : layers) {
        if (l.get("class_name").asText().equals("InputLayer")) {
          continue;
        }
        ObjectNode copy = l.deepCopy();
        copy.remove("inbound_nodes");
        copy.remove("name");
        if (list.isEmpty()) {
          ArrayNode s = ((ObjectNode) copy.get("config")).putArray("batch_input_shape");
          s.addNull();
          for (int d : inputShape) {
            s.add(d);
          }
        }
        list.add(copy);
      }
    } else {
      modelConfig.put("class_name", "Model");
      ObjectNode c = modelConfig.putObject("config").put("name", "tiny");
      ArrayNode list = c.putArray("layers");
      layers.forEach(list::add);
      c.putArray("input_layers").addArray().add(inputName).add(0).add(0);
      c.putArray("output_layers").addArray().add(output).add(0).add(0);
    }
    ObjectNode root = J.objectNode();
    root.put("format", "layers-model");
    ObjectNode topology = root.putObject("modelTopology");
    topology.put("keras_version", "2.2.4").put("backend", "tensorflow");
    topology.set("model_config", modelConfig);
    ArrayNode specs = J.arrayNode();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (Map.Entry<String, float[]> e : weightValues.entrySet()) {
      ObjectNode spec = specs.addObject();
      spec.put("name", e.getKey());
      ArrayNode shape = spec.putArray("shape");
      for (int d : weightShapes.get(e.getKey())) {
        shape.add(d);
      }
      spec.put("dtype", "float32");
      float[] v = e.getValue();
      if (quantised) {
        double[] q = quantisation.get(e.getKey());
        spec.putObject("quantization").put("min", q[0]).put("scale", q[1]).put("dtype", "uint8");
        for (float f : v) {
          data.write((int) Math.round((f - q[0]) / q[1]));
        }
      } else {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        data.writeBytes(b.array());
      }
    }
    byte[] bytes = data.toByteArray();
    int half = bytes.length / 2;
    Files.write(dir.resolve("group1-shard1of2.bin"), Arrays.copyOfRange(bytes, 0, half));
    Files.write(dir.resolve("group1-shard2of2.bin"), Arrays.copyOfRange(bytes, half, bytes.length));
    ObjectNode group = root.putArray("weightsManifest").addObject();
    group.putArray("paths").add("group1-shard1of2.bin").add("group1-shard2of2.bin");
    group.set("weights", specs);
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("model.json").toFile(), root);
  }

  /** The reference output of one item (input in HWC or [K] order). */
  double[] reference(String output, float[] item) {
    Map<String, Nd> values = new HashMap<>();
    double[] x = new double[item.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = item[i];
    }
    values.put(inputName, new Nd(inputShape, x));
    for (String name : order) {
      values.put(name, reference.get(name).apply(values));
      if (name.equals(output)) {
        return values.get(name).v();
      }
    }
    throw new IllegalArgumentException("no layer " + output);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private String layer(
      String name,
      String className,
      ObjectNode config,
      List<String> inbound,
      Function<Map<String, Nd>, Nd> ref) {
    ObjectNode l = J.objectNode();
    l.put("name", name).put("class_name", className);
    l.set("config", config);
    ArrayNode nodes = l.putArray("inbound_nodes");
    if (!inbound.isEmpty()) {
      ArrayNode node = nodes.addArray();
      for (String in : inbound) {
        node.addArray().add(in).add(0).add(0).addObject();
      }
    }
    layers.add(l);
    order.add(name);
    reference.put(name, ref);
    return name;
  }

  private static ObjectNode config(String name) {
    return J.objectNode().put("name", name).put("trainable", false);
  }

  /** Random weights; when quantised, already the dequantised values float32(q * scale + min). */
  private float[] weight(String name, int[] shape, double lo, double hi) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (lo + (hi - lo) * random.nextDouble());
    }
    if (quantised) {
      double min = lo;
      double scale = (hi - lo) / 255.0;
      for (int i = 0; i < n; i++) {
        int q = (int) Math.round((v[i] - min) / scale);
        v[i] = (float) (q * scale + min);
      }
      quantisation.put(name, new double[] {min, scale});
    }
    weightValues.put(name, v);
    weightShapes.put(name, shape.clone());
    return v;
  }

  /** {output size, padding before} as Keras/TensorFlow compute them. */
  static int[] outSize(int size, int kernel, int stride, int dilation, String padding) {
    int effective = (kernel - 1) * dilation + 1;
    if (padding.equals("valid")) {
      return new int[] {(size - effective) / stride + 1, 0};
    }
    int out = (size + stride - 1) / stride;
    int total = Math.max((out - 1) * stride + effective - size, 0);
    return new int[] {out, total / 2};
  }

  /**
   * A 2-D convolution in NHWC: plain with a kernel [kh, kw, cin, filters], or depthwise with a
   * kernel [kh, kw, cin, multiplier] and {@code filters == cin * multiplier}.
   */
  private static Nd convolve(
      Nd x,
      int kh,
      int kw,
      int stride,
      int dilation,
      String padding,
      int filters,
      int multiplier,
      float[] k,
      float[] bias,
      boolean depthwise) {
    int[] oh = outSize(x.h(), kh, stride, dilation, padding);
    int[] ow = outSize(x.w(), kw, stride, dilation, padding);
    double[] out = new double[oh[0] * ow[0] * filters];
    for (int y = 0; y < oh[0]; y++) {
      for (int xx = 0; xx < ow[0]; xx++) {
        for (int o = 0; o < filters; o++) {
          double s = bias == null ? 0 : bias[o];
          for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
              int sy = y * stride + ky * dilation - oh[1];
              int sx = xx * stride + kx * dilation - ow[1];
              if (sy < 0 || sy >= x.h() || sx < 0 || sx >= x.w()) {
                continue;
              }
              if (depthwise) {
                int ci = o / multiplier;
                int m = o % multiplier;
                s += x.at(sy, sx, ci) * k[((ky * kw + kx) * x.c() + ci) * multiplier + m];
              } else {
                for (int ci = 0; ci < x.c(); ci++) {
                  s += x.at(sy, sx, ci) * k[((ky * kw + kx) * x.c() + ci) * filters + o];
                }
              }
            }
          }
          out[(y * ow[0] + xx) * filters + o] = s;
        }
      }
    }
    return new Nd(new int[] {oh[0], ow[0], filters}, out);
  }

  private static Nd activate(Nd x, String activation) {
    double[] v = x.v().clone();
    switch (activation) {
      case "linear":
        break;
      case "relu":
        for (int i = 0; i < v.length; i++) {
          v[i] = Math.max(0, v[i]);
        }
        break;
      case "softmax":
        int c = x.shape()[x.shape().length - 1];
        for (int start = 0; start < v.length; start += c) {
          double max = Double.NEGATIVE_INFINITY;
          for (int i = 0; i < c; i++) {
            max = Math.max(max, v[start + i]);
          }
          double sum = 0;
          for (int i = 0; i < c; i++) {
            v[start + i] = Math.exp(v[start + i] - max);
            sum += v[start + i];
          }
          for (int i = 0; i < c; i++) {
            v[start + i] /= sum;
          }
        }
        break;
      default:
        throw new IllegalArgumentException(activation);
    }
    return new Nd(x.shape(), v);
  }
}
