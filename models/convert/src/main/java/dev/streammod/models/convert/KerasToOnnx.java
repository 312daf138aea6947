package dev.streammod.models.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streammod.models.onnx.OnnxWriter;
import dev.streammod.models.onnx.OnnxWriter.Attribute;
import dev.streammod.models.onnx.OnnxWriter.Dim;
import dev.streammod.models.onnx.OnnxWriter.ElementType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Converts a Keras layers model (as TensorFlow.js stores it) into an ONNX graph written with {@link
 * OnnxWriter} (opset 13, IR 7), with a symbolic batch dimension "N".
 *
 * <p>The graph takes the Keras input as Keras does (NHWC for images) and transposes it to NCHW
 * once; convolutions run in NCHW. Layers: {@link #SUPPORTED_LAYERS}, with the activations linear,
 * relu, sigmoid, tanh and softmax.
 *
 * <p>Exactness notes. Keras "same" padding is computed like TensorFlow, {@code total = max((ceil(in
 * / stride) - 1) * stride + effectiveKernel - in, 0)} with the odd pixel at the bottom/right, and
 * written as explicit ONNX pads. A ZeroPadding2D whose only consumer is a convolution becomes part
 * of that convolution's pads (both pad with zeros); otherwise it is a Pad node. A
 * BatchNormalization that is the only consumer of a convolution without activation is folded into
 * its weights and bias (in double precision); otherwise it is a BatchNormalization node. Flatten
 * transposes back to NHWC first, so the flattened order is Keras's. Dropout is the identity.
 *
 * <p>A ZeroPadding2D in front of a 'valid' AveragePooling2D becomes that pool's pads with
 * count_include_pad 1 (the zeros count, as in Keras); in front of a 'same' one it is refused,
 * because ONNX Runtime would fuse the Pad node into the pool and drop the zeros from the average.
 * In front of a MaxPooling2D it is refused too: ONNX Runtime fuses the Pad node into MaxPool, whose
 * pads never win the maximum, while Keras's zeros do where a window holds only negative values.
 *
 * <p>Weight storage ({@link WeightStorage}): float32 initializers, or, for the kernels tfjs stored
 * as uint8, the uint8 codes and a table of the 256 float32 values tfjs dequantises them to ({@code
 * float32(q * scale + min)}, computed in double precision as JavaScript does), looked up with
 * {@code Gather} in the graph: the same kernels as tfjs, bit for bit. A folded BatchNormalization
 * then multiplies them by its scale in float32 ({@code Mul}); the float32 storage folds in double
 * precision, so folded kernels may differ in the last bit. ONNX Runtime computes the kernels once,
 * when it folds constants at session creation (graph optimisation BASIC and above), in about 0.2 s
 * for InceptionV3's 22 million weights. ({@code Cast -> Mul(scale) -> Add(min)} in float32 would
 * round the scale, the min and the product; the same chain in double precision is exact but ONNX
 * Runtime's double kernels took 2 to 3 s per session.)
 *
 * <p>Static INT8 in the QDQ format ({@link #convertQuantised}): every image tensor that a
 * convolution, an Add or a pool reads passes through QuantizeLinear/DequantizeLinear (uint8, one
 * scale and zero point per tensor, from calibrated ranges); a tensor whose only readers are
 * activation layers is quantised after the activation instead, so that ONNX Runtime fuses
 * convolution, ReLU and quantisation into one QLinearConv. Convolution weights are int8, symmetric,
 * one scale per output channel (axis 0), biases int32 at scale {@code s_input * s_weight}. The
 * dense head after the pool stays in float. {@link #calibrationGraph} is the float graph with those
 * same tensors as extra outputs, which is how their ranges are measured.
 */
public final class KerasToOnnx {
  /** The layer types that convert; any other is refused with the layer's name. */
  public static final List<String> SUPPORTED_LAYERS =
      List.of(
          "InputLayer",
          "ZeroPadding2D",
          "Conv2D",
          "DepthwiseConv2D",
          "BatchNormalization",
          "ReLU",
          "Activation",
          "Add",
          "Concatenate",
          "AveragePooling2D",
          "MaxPooling2D",
          "Flatten",
          "Dense",
          "Dropout");

  /** How convolution and dense kernels are stored in the ONNX file. */
  public enum WeightStorage {
    /** Every weight a float32 initializer (4 bytes per weight). */
    FLOAT32,
    /**
     * Kernels that tfjs stored as uint8 keep their uint8 codes (1 byte per weight) and are
     * dequantised inside the graph to tfjs's own values; other weights as in {@link #FLOAT32}.
     */
    TFJS_UINT8
  }

  /** Names and documentation of the written graph, and how its weights are stored. */
  public record Options(
      String graphName,
      String inputName,
      String outputName,
      String docString,
      WeightStorage weightStorage) {
    /** Options with float32 weights. */
    public Options(String graphName, String inputName, String outputName, String docString) {
      this(graphName, inputName, outputName, docString, WeightStorage.FLOAT32);
    }

    public Options {
      for (String[] f :
          new String[][] {
            {"graphName", graphName}, {"inputName", inputName}, {"outputName", outputName}
          }) {
        if (f[1] == null || f[1].isBlank()) {
          throw new IllegalArgumentException(f[0] + " must not be blank, got '" + f[1] + "'");
        }
      }
      Objects.requireNonNull(docString, "docString");
      Objects.requireNonNull(weightStorage, "weightStorage");
    }
  }

  private static final Set<String> CONVOLUTIONS = Set.of("Conv2D", "DepthwiseConv2D");

  /** Layers whose image input INT8 quantises (padding passes it on to a convolution). */
  private static final Set<String> QUANTISED_READERS =
      Set.of("Conv2D", "DepthwiseConv2D", "Add", "AveragePooling2D", "ZeroPadding2D");

  /** The range of values a tensor took during calibration; it always includes 0. */
  public record Range(float min, float max) {
    public Range {
      if (!(min <= max) || !Float.isFinite(min) || !Float.isFinite(max)) {
        throw new IllegalArgumentException(
            "range [" + min + ", " + max + "] is not finite min <= max");
      }
    }

    public Range union(Range o) {
      return new Range(Math.min(min, o.min), Math.max(max, o.max));
    }

    /** uint8 affine quantisation of this range: {@code x = scale * (q - zeroPoint)}. */
    float scale() {
      float lo = Math.min(min, 0f);
      float hi = Math.max(max, 0f);
      return hi > lo ? (hi - lo) / 255f : 1f;
    }

    int zeroPoint() {
      return Math.max(0, Math.min(255, Math.round(-Math.min(min, 0f) / scale())));
    }
  }

  /** The float graph with every tensor that INT8 quantises as an extra graph output. */
  public record CalibrationGraph(byte[] onnx, List<String> tensors) {
    public CalibrationGraph {
      tensors = List.copyOf(tensors);
    }
  }

  private enum Precision {
    FLOAT,
    CALIBRATION,
    INT8
  }

  private record Layer(String name, String type, JsonNode config, List<String> inbound) {}

  /** A pooling window over H and W: size, strides, pads (t, l, b, r) and the output size. */
  private record Window(int[] size, int[] strides, int[] pads, long[] outHw) {}

  /** A tensor of the graph. {@code shape} is Keras's view in NCHW order (or [N, K]); N is -1. */
  private record Value(String onnx, long[] shape, int[] pendingPads) {
    Value(String onnx, long[] shape) {
      this(onnx, shape, null);
    }

    int rank() {
      return shape.length;
    }
  }

  private final TfjsLayersModel model;
  private final Options options;
  private final OnnxWriter writer;
  private final Map<String, Value> values = new HashMap<>();
  private final Map<String, List<Layer>> consumers = new HashMap<>();
  private final Set<String> foldedIntoConvolution = new HashSet<>();
  private final Set<String> usedWeights = new HashSet<>();
  private final Set<String> constants = new HashSet<>();
  private final Set<String> padOutputs = new HashSet<>();
  private Layer outputLayer;
  private final Precision precision;
  private final Map<String, Range> ranges;

  /** Calibration: the tensors to observe, with their NCHW shapes. */
  private final Map<String, long[]> observed = new LinkedHashMap<>();

  /** INT8: the scale of each dequantised tensor, by its name. */
  private final Map<String, Float> dequantisedScale = new HashMap<>();

  private KerasToOnnx(
      TfjsLayersModel model, Options options, Precision precision, Map<String, Range> ranges) {
    this.model = model;
    this.options = options;
    this.precision = precision;
    this.ranges = ranges;
    this.writer = new OnnxWriter(options.graphName()).producer("streammod KerasToOnnx", "1");
    if (!options.docString().isEmpty()) {
      writer.docString(options.docString());
    }
  }

  /** The ONNX model's bytes. Any layer or setting it cannot convert exactly is an error. */
  public static byte[] convert(TfjsLayersModel model, Options options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    return new KerasToOnnx(model, options, Precision.FLOAT, Map.of()).run().toByteArray();
  }

  /**
   * The float model with each tensor that {@link #convertQuantised} quantises as an extra output
   * (after the model's own output), named in {@link CalibrationGraph#tensors()}.
   */
  public static CalibrationGraph calibrationGraph(TfjsLayersModel model, Options options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    KerasToOnnx k = new KerasToOnnx(model, options, Precision.CALIBRATION, Map.of());
    OnnxWriter w = k.run();
    k.observed.forEach((name, shape) -> w.output(name, ElementType.FLOAT, dims(shape)));
    return new CalibrationGraph(w.toByteArray(), new ArrayList<>(k.observed.keySet()));
  }

  /**
   * The QDQ INT8 model, given the range of the tensors in {@link #calibrationGraph}{@code
   * .tensors()} to quantise; a tensor without a range stays float, and so do the convolutions that
   * read it.
   */
  public static byte[] convertQuantised(
      TfjsLayersModel model, Options options, Map<String, Range> ranges) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    KerasToOnnx k = new KerasToOnnx(model, options, Precision.INT8, Map.copyOf(ranges));
    return k.run().toByteArray();
  }

  private OnnxWriter run() {
    List<Layer> layers = topologicalOrder(layers(model.topology()));
    for (Layer l : layers) {
      for (String in : l.inbound()) {
        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(l);
      }
    }
    List<Layer> inputs = new ArrayList<>();
    List<Layer> outputs = new ArrayList<>();
    for (Layer l : layers) {
      if (l.type().equals("InputLayer")) {
        inputs.add(l);
      }
      if (!consumers.containsKey(l.name())) {
        outputs.add(l);
      }
    }
    if (inputs.size() != 1 || outputs.size() != 1) {
      throw new IllegalArgumentException(
          "only models with one input and one output convert; inputs "
              + names(inputs)
              + ", outputs "
              + names(outputs));
    }
    outputLayer = outputs.get(0);
    for (Layer l : layers) {
      try {
        values.put(l.name(), quantised(l, convert(l)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "layer '" + l.name() + "' (" + l.type() + "): " + e.getMessage(), e);
      }
    }
    Value out = values.get(outputLayer.name());
    String result = out.onnx();
    if (out.pendingPads() != null) {
      result = pad(out, outputLayer.name());
    }
    long[] shape = out.shape();
    if (out.rank() == 4) { // back to Keras's NHWC
      writer.node(
          "Transpose",
          List.of(result),
          List.of(options.outputName()),
          Attribute.ints("perm", 0, 2, 3, 1));
      shape = new long[] {-1, shape[2], shape[3], shape[1]};
    } else if (!result.equals(options.outputName())) {
      writer.node("Identity", List.of(result), List.of(options.outputName()));
    }
    writer.output(options.outputName(), ElementType.FLOAT, dims(shape));
    Set<String> unused = new TreeSet<>(model.weights().keySet());
    unused.removeAll(usedWeights);
    if (!unused.isEmpty()) {
      throw new IllegalArgumentException(
          "the model has weights no layer uses (a layer setting was misread?): " + unused);
    }
    return writer;
  }

  // ---------------------------------------------------------------------------------------------
  // Topology

  private static List<Layer> layers(JsonNode topology) {
    String cls = topology.path("class_name").asText();
    JsonNode config = topology.path("config");
    List<Layer> out = new ArrayList<>();
    if (cls.equals("Sequential")) {
      JsonNode list = config.isArray() ? config : config.path("layers");
      String previous = null;
      for (JsonNode l : list) {
        String name = l.path("config").path("name").asText(l.path("name").asText());
        String type = l.path("class_name").asText();
        if (previous == null && !type.equals("InputLayer")) {
          JsonNode shape = batchShape(l.path("config"));
          if (shape == null) {
            throw new IllegalArgumentException(
                "Sequential model: the first layer '" + name + "' has no batch_input_shape");
          }
          previous = name + "_input";
          com.fasterxml.jackson.databind.node.ObjectNode c =
              com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
          c.set("batch_input_shape", shape);
          c.put("name", previous);
          out.add(new Layer(previous, "InputLayer", c, List.of()));
        }
        out.add(
            new Layer(
                name, type, l.path("config"), previous == null ? List.of() : List.of(previous)));
        previous = name;
      }
      return out;
    }
    if (!cls.equals("Model") && !cls.equals("Functional")) {
      throw new IllegalArgumentException(
          "Keras model class '"
              + cls
              + "' is not supported; expected Model, Functional or Sequential");
    }
    for (JsonNode l : config.path("layers")) {
      String name = l.path("name").asText();
      List<String> inbound = new ArrayList<>();
      JsonNode nodes = l.path("inbound_nodes");
      if (nodes.size() > 1) {
        throw new IllegalArgumentException(
            "layer '"
                + name
                + "' is called "
                + nodes.size()
                + " times; shared layers are not supported");
      }
      for (JsonNode node : nodes) {
        if (!node.isArray()) {
          throw new IllegalArgumentException(
              "layer '"
                  + name
                  + "': inbound node "
                  + node
                  + " is not in the Keras 2 form [[layer, node, tensor, kwargs], ...]");
        }
        for (JsonNode in : node) {
          if (in.path(1).asInt() != 0 || in.path(2).asInt() != 0) {
            throw new IllegalArgumentException(
                "layer '" + name + "' reads " + in + "; only node 0, tensor 0 of a layer");
          }
          inbound.add(in.path(0).asText());
        }
      }
      out.add(new Layer(name, l.path("class_name").asText(), l.path("config"), inbound));
    }
    return out;
  }

  private static List<Layer> topologicalOrder(List<Layer> layers) {
    Map<String, Layer> byName = new LinkedHashMap<>();
    for (Layer l : layers) {
      if (byName.put(l.name(), l) != null) {
        throw new IllegalArgumentException("two layers are named '" + l.name() + "'");
      }
    }
    for (Layer l : layers) {
      for (String in : l.inbound()) {
        if (!byName.containsKey(in)) {
          throw new IllegalArgumentException(
              "layer '"
                  + l.name()
                  + "' reads from '"
                  + in
                  + "', which is not a layer of the model");
        }
      }
    }
    List<Layer> ordered = new ArrayList<>();
    Set<String> done = new HashSet<>();
    Deque<Layer> pending = new ArrayDeque<>(layers);
    int stalled = 0;
    while (!pending.isEmpty()) {
      Layer l = pending.poll();
      if (done.containsAll(l.inbound())) {
        ordered.add(l);
        done.add(l.name());
        stalled = 0;
      } else {
        pending.add(l);
        if (++stalled > pending.size()) {
          throw new IllegalArgumentException("the layers form a cycle around " + names(pending));
        }
      }
    }
    return ordered;
  }

  // ---------------------------------------------------------------------------------------------
  // Layers

  private Value convert(Layer l) {
    JsonNode c = l.config();
    String format = c.path("data_format").asText("channels_last");
    if (!format.equals("channels_last")) {
      throw new IllegalArgumentException("data_format " + format + "; only channels_last");
    }
    switch (l.type()) {
      case "InputLayer":
        return input(l);
      case "ZeroPadding2D":
        return zeroPadding(l);
      case "Conv2D":
      case "DepthwiseConv2D":
        return convolution(l);
      case "BatchNormalization":
        return foldedIntoConvolution.contains(l.name()) ? in(l, 0) : batchNormalization(l);
      case "ReLU":
        return relu(l);
      case "Activation":
        return activation(l, in(l, 0), c.path("activation").asText());
      case "Add":
        return add(l);
      case "Concatenate":
        return concatenate(l);
      case "AveragePooling2D":
        return averagePooling(l);
      case "MaxPooling2D":
        return maxPooling(l);
      case "Flatten":
        return flatten(l);
      case "Dense":
        return dense(l);
      case "Dropout":
        return in(l, 0);
      default:
        throw new IllegalArgumentException(
            "layer type "
                + l.type()
                + " is not supported; supported: "
                + String.join(", ", SUPPORTED_LAYERS));
    }
  }

  private Value input(Layer l) {
    JsonNode shape = batchShape(l.config());
    if (shape == null) {
      throw new IllegalArgumentException("no batch_input_shape");
    }
    String dtype = l.config().path("dtype").asText("float32");
    if (!dtype.equals("float32")) {
      throw new IllegalArgumentException("input dtype " + dtype + "; only float32");
    }
    long[] keras = new long[shape.size()];
    for (int i = 1; i < keras.length; i++) {
      if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() <= 0) {
        throw new IllegalArgumentException(
            "input shape " + shape + " must be fixed except for the batch dimension");
      }
      keras[i] = shape.get(i).asLong();
    }
    keras[0] = -1;
    String name = options.inputName();
    writer.input(name, ElementType.FLOAT, dims(keras));
    if (keras.length == 2) {
      return new Value(name, keras);
    }
    if (keras.length != 4) {
      throw new IllegalArgumentException(
          "input shape " + shape + "; expected [N, H, W, C] or [N, K]");
    }
    String nchw = name + "/nchw";
    writer.node("Transpose", List.of(name), List.of(nchw), Attribute.ints("perm", 0, 3, 1, 2));
    return new Value(nchw, new long[] {-1, keras[3], keras[1], keras[2]});
  }

  private Value zeroPadding(Layer l) {
    Value in = in(l, 0);
    requireRank(in, 4);
    int[] p = zeroPaddingAmounts(l.config().path("padding")); // top, bottom, left, right
    int[] pads = {p[0], p[2], p[1], p[3]}; // ONNX order within H, W: begin t, l; end b, r
    long[] shape = {-1, in.shape()[1], in.shape()[2] + p[0] + p[1], in.shape()[3] + p[2] + p[3]};
    List<Layer> next = consumers.getOrDefault(l.name(), List.of());
    if (next.size() == 1 && absorbsZeroPadding(next.get(0))) {
      int[] pending = in.pendingPads() == null ? new int[4] : in.pendingPads().clone();
      for (int i = 0; i < 4; i++) {
        pending[i] += pads[i];
      }
      return new Value(in.onnx(), shape, pending);
    }
    Value padded =
        new Value(
            in.onnx(),
            shape,
            addPads(in.pendingPads() == null ? new int[4] : in.pendingPads(), pads));
    return new Value(pad(padded, l.name()), shape);
  }

  /**
   * Convolutions take zero padding as their own pads. So does a 'valid' AveragePooling2D, counting
   * the padded zeros (count_include_pad 1) as Keras does; ONNX Runtime would fuse a Pad node into
   * the pool anyway, and it fuses without adjusting count_include_pad.
   */
  private static boolean absorbsZeroPadding(Layer consumer) {
    return CONVOLUTIONS.contains(consumer.type())
        || (consumer.type().equals("AveragePooling2D")
            && consumer.config().path("padding").asText("valid").equals("valid"));
  }

  private static int[] addPads(int[] a, int[] b) {
    int[] s = new int[4];
    for (int i = 0; i < 4; i++) {
      s[i] = a[i] + b[i];
    }
    return s;
  }

  /** A Pad node that applies a value's pending zero padding. */
  private String pad(Value v, String layerName) {
    int[] p = v.pendingPads(); // t, l, b, r
    String pads = layerName + "/pads";
    writer.initializer(pads, new long[] {8}, new long[] {0, 0, p[0], p[1], 0, 0, p[2], p[3]});
    String out = layerName + "/padded";
    writer.node("Pad", List.of(v.onnx(), pads), List.of(out), Attribute.of("mode", "constant"));
    padOutputs.add(out);
    return out;
  }

  private static int[] zeroPaddingAmounts(JsonNode p) {
    if (p.isNumber()) {
      int v = p.asInt();
      return new int[] {v, v, v, v};
    }
    if (p.isArray() && p.size() == 2 && p.get(0).isNumber() && p.get(1).isNumber()) {
      int h = p.get(0).asInt();
      int w = p.get(1).asInt();
      return new int[] {h, h, w, w};
    }
    if (p.isArray() && p.size() == 2 && p.get(0).size() == 2 && p.get(1).size() == 2) {
      return new int[] {
        p.get(0).get(0).asInt(),
        p.get(0).get(1).asInt(),
        p.get(1).get(0).asInt(),
        p.get(1).get(1).asInt()
      };
    }
    throw new IllegalArgumentException("padding " + p + " is not int, [h, w] or [[t, b], [l, r]]");
  }

  private Value convolution(Layer l) {
    JsonNode c = l.config();
    Value in = in(l, 0);
    requireRank(in, 4);
    boolean depthwise = l.type().equals("DepthwiseConv2D");
    int cin = (int) in.shape()[1];
    Weight kernel = weight(l, depthwise ? "depthwise_kernel" : "kernel");
    int[] ks = kernel.shape(); // [kh, kw, cin, cout] or [kh, kw, cin, multiplier]
    int kh = ks[0];
    int kw = ks[1];
    int[] configured = pair(c.path("kernel_size"), "kernel_size");
    if (ks.length != 4 || ks[2] != cin || configured[0] != kh || configured[1] != kw) {
      throw new IllegalArgumentException(
          "kernel "
              + kernel
              + " does not fit kernel_size "
              + Arrays.toString(configured)
              + " and "
              + cin
              + " input channels");
    }
    int cout = depthwise ? cin * ks[3] : ks[3];
    if (depthwise && c.has("depth_multiplier") && c.get("depth_multiplier").asInt() != ks[3]) {
      throw new IllegalArgumentException(
          "depth_multiplier " + c.get("depth_multiplier") + " but kernel " + kernel);
    }
    if (!depthwise && c.has("filters") && c.get("filters").asInt() != cout) {
      throw new IllegalArgumentException("filters " + c.get("filters") + " but kernel " + kernel);
    }
    if (c.path("groups").asInt(1) != 1) {
      throw new IllegalArgumentException("groups " + c.get("groups") + "; only 1");
    }
    int[] strides = pair(c.path("strides"), "strides");
    int[] dilations =
        c.has("dilation_rate") ? pair(c.get("dilation_rate"), "dilation_rate") : new int[] {1, 1};
    int ci = depthwise ? 1 : cin;
    double[] w = new double[cout * ci * kh * kw];
    float[] k = kernel.values();
    Weight.Uint8 stored = storedAsUint8(kernel);
    byte[] codes = stored == null ? null : new byte[w.length];
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        for (int i = 0; i < cin; i++) {
          for (int j = 0; j < ks[3]; j++) {
            int from = ((y * kw + x) * cin + i) * ks[3] + j;
            int o = depthwise ? i * ks[3] + j : j;
            int inner = depthwise ? 0 : i;
            int to = ((o * ci + inner) * kh + y) * kw + x;
            w[to] = k[from];
            if (codes != null) {
              codes[to] = stored.codes()[from];
            }
          }
        }
      }
    }
    if (codes != null) {
      stored = new Weight.Uint8(codes, stored.scale(), stored.min());
    }
    double[] b = new double[cout];
    if (c.path("use_bias").asBoolean(true)) {
      float[] bias = weight(l, "bias", cout).values();
      for (int o = 0; o < cout; o++) {
        b[o] = bias[o];
      }
    }
    String act = c.path("activation").asText("linear");
    List<Layer> next = consumers.getOrDefault(l.name(), List.of());
    Layer bn = null;
    double[] fold = null;
    if (act.equals("linear")
        && l != outputLayer
        && next.size() == 1
        && next.get(0).type().equals("BatchNormalization")) {
      bn = next.get(0);
      double[][] ab = batchNormAffine(bn, cout);
      fold = ab[0];
      int per = w.length / cout;
      for (int o = 0; o < cout; o++) {
        for (int i = 0; i < per; i++) {
          w[o * per + i] *= ab[0][o];
        }
        b[o] = b[o] * ab[0][o] + ab[1][o];
      }
      foldedIntoConvolution.add(bn.name());
    }
    long[] hw = {in.shape()[2], in.shape()[3]};
    int[] pads = new int[4]; // t, l, b, r
    long[] outHw = new long[2];
    String padding = c.path("padding").asText();
    for (int a = 0; a < 2; a++) {
      int kernelSize = a == 0 ? kh : kw;
      int effective = (kernelSize - 1) * dilations[a] + 1;
      long size = hw[a];
      if (padding.equals("same")) {
        long out = (size + strides[a] - 1) / strides[a];
        long total = Math.max((out - 1) * strides[a] + effective - size, 0);
        pads[a] = (int) (total / 2);
        pads[a + 2] = (int) (total - total / 2);
        outHw[a] = out;
      } else if (padding.equals("valid")) {
        if (size < effective) {
          throw new IllegalArgumentException(
              "input " + size + " is smaller than the kernel " + effective + " with valid padding");
        }
        outHw[a] = (size - effective) / strides[a] + 1;
      } else {
        throw new IllegalArgumentException("padding '" + padding + "'; only same and valid");
      }
    }
    if (in.pendingPads() != null) {
      pads = addPads(pads, in.pendingPads());
    }
    String prefix = l.name();
    List<String> wb =
        convolutionWeights(
            prefix, in.onnx(), new long[] {cout, ci, kh, kw}, w, b, new StoredKernel(stored, fold));
    String out = bn == null ? l.name() : bn.name();
    if (!act.equals("linear")) {
      out = prefix + "/conv";
    }
    writer.node(
        "Conv",
        List.of(in.onnx(), wb.get(0), wb.get(1)),
        List.of(out),
        Attribute.ints("kernel_shape", kh, kw),
        Attribute.ints("strides", strides[0], strides[1]),
        Attribute.ints("dilations", dilations[0], dilations[1]),
        Attribute.ints("pads", pads[0], pads[1], pads[2], pads[3]),
        Attribute.of("group", (long) (depthwise ? cin : 1)));
    Value v = new Value(out, new long[] {-1, cout, outHw[0], outHw[1]});
    return act.equals("linear") ? v : activationTo(v, act, l.name(), l.name());
  }

  /** Scale and shift per channel: {@code y = x * a + b}. */
  private double[][] batchNormAffine(Layer bn, int channels) {
    JsonNode c = bn.config();
    int axis = axis(c);
    if (axis != -1 && axis != 3 && axis != 1) {
      throw new IllegalArgumentException(
          "BatchNormalization '" + bn.name() + "' on axis " + axis + "; only the channel axis");
    }
    double eps = c.path("epsilon").asDouble(1e-3);
    float[] mean = weight(bn, "moving_mean", channels).values();
    float[] var = weight(bn, "moving_variance", channels).values();
    float[] gamma = c.path("scale").asBoolean(true) ? weight(bn, "gamma", channels).values() : null;
    float[] beta = c.path("center").asBoolean(true) ? weight(bn, "beta", channels).values() : null;
    double[][] ab = new double[2][channels];
    for (int i = 0; i < channels; i++) {
      double a = (gamma == null ? 1.0 : gamma[i]) / Math.sqrt((double) var[i] + eps);
      ab[0][i] = a;
      ab[1][i] = (beta == null ? 0.0 : beta[i]) - mean[i] * a;
    }
    return ab;
  }

  private static int axis(JsonNode c) {
    JsonNode a = c.path("axis");
    if (a.isArray()) {
      if (a.size() != 1) {
        throw new IllegalArgumentException("axis " + a + "; only one axis");
      }
      return a.get(0).asInt();
    }
    return a.asInt(-1);
  }

  private Value batchNormalization(Layer l) {
    Value in = in(l, 0);
    int axis = axis(l.config());
    int rank = in.rank();
    boolean channel = axis == -1 || axis == rank - 1;
    if (!channel) {
      throw new IllegalArgumentException("axis " + axis + "; only the last (channel) axis");
    }
    int channels = (int) in.shape()[1];
    double eps = l.config().path("epsilon").asDouble(1e-3);
    float[] ones = new float[channels];
    Arrays.fill(ones, 1f);
    JsonNode c = l.config();
    float[] gamma = c.path("scale").asBoolean(true) ? weight(l, "gamma", channels).values() : ones;
    float[] beta =
        c.path("center").asBoolean(true)
            ? weight(l, "beta", channels).values()
            : new float[channels];
    float[] mean = weight(l, "moving_mean", channels).values();
    float[] var = weight(l, "moving_variance", channels).values();
    String p = l.name();
    long[] dims = {channels};
    String out = tensorName(l, rank);
    writer.initializer(p + "/gamma", dims, gamma);
    writer.initializer(p + "/beta", dims, beta);
    writer.initializer(p + "/mean", dims, mean);
    writer.initializer(p + "/var", dims, var);
    writer.node(
        "BatchNormalization",
        List.of(materialised(in, l.name()), p + "/gamma", p + "/beta", p + "/mean", p + "/var"),
        List.of(out),
        Attribute.of("epsilon", (float) eps));
    return new Value(out, in.shape());
  }

  private Value relu(Layer l) {
    JsonNode c = l.config();
    Value in = in(l, 0);
    double threshold = c.path("threshold").asDouble(0);
    double slope = c.path("negative_slope").asDouble(0);
    JsonNode max = c.path("max_value");
    if (threshold != 0) {
      throw new IllegalArgumentException("threshold " + threshold + "; only 0");
    }
    String x = materialised(in, l.name());
    String out = tensorName(l, in.rank());
    if (slope != 0) {
      if (!max.isMissingNode() && !max.isNull()) {
        throw new IllegalArgumentException("negative_slope together with max_value");
      }
      writer.node("LeakyRelu", List.of(x), List.of(out), Attribute.of("alpha", (float) slope));
    } else if (max.isMissingNode() || max.isNull()) {
      writer.node("Relu", List.of(x), List.of(out));
    } else {
      writer.node("Clip", List.of(x, constant(0f), constant((float) max.asDouble())), List.of(out));
    }
    return new Value(out, in.shape());
  }

  private Value add(Layer l) {
    if (l.inbound().size() < 2) {
      throw new IllegalArgumentException("Add needs at least two inputs, got " + l.inbound());
    }
    List<String> ins = new ArrayList<>();
    long[] shape = null;
    for (int i = 0; i < l.inbound().size(); i++) {
      Value v = in(l, i);
      if (shape != null && !Arrays.equals(shape, v.shape())) {
        throw new IllegalArgumentException(
            "inputs of different shapes "
                + Arrays.toString(shape)
                + " and "
                + Arrays.toString(v.shape()));
      }
      shape = v.shape();
      ins.add(materialised(v, l.name() + "/" + i));
    }
    String out = tensorName(l, shape.length);
    writer.node(ins.size() == 2 ? "Add" : "Sum", ins, List.of(out));
    return new Value(out, shape);
  }

  private Value averagePooling(Layer l) {
    Value in = in(l, 0);
    requireRank(in, 4);
    Window win = window(l.config(), in);
    if (l.config().path("padding").asText("valid").equals("same")
        && padOutputs.contains(in.onnx())) {
      // ONNX Runtime's PadFusion would merge the Pad into this pool's pads and then leave the
      // padded zeros out of the averages.
      throw new IllegalArgumentException(
          "'same' pooling right after zero padding does not convert exactly");
    }
    // Keras averages over the real pixels of a window only (count_include_pad 0); zero padding
    // taken over from a ZeroPadding2D (only into 'valid' pools) is real pixels (1).
    int[] pads = win.pads();
    long includePad = 0;
    if (in.pendingPads() != null) {
      pads = in.pendingPads();
      includePad = 1;
    }
    String out = l.name();
    writer.node(
        "AveragePool",
        List.of(in.onnx()),
        List.of(out),
        Attribute.ints("kernel_shape", win.size()[0], win.size()[1]),
        Attribute.ints("strides", win.strides()[0], win.strides()[1]),
        Attribute.ints("pads", pads[0], pads[1], pads[2], pads[3]),
        Attribute.of("count_include_pad", includePad));
    return new Value(out, new long[] {-1, in.shape()[1], win.outHw()[0], win.outHw()[1]});
  }

  private Value maxPooling(Layer l) {
    Value in = in(l, 0);
    requireRank(in, 4);
    String x = materialised(in, l.name());
    if (padOutputs.contains(x)) {
      // ONNX Runtime's PadFusion would merge the Pad into MaxPool's pads, which never win the
      // maximum; Keras's zeros do where a window holds only negative values.
      throw new IllegalArgumentException(
          "max pooling right after zero padding does not convert exactly");
    }
    Window win = window(l.config(), in);
    int[] pads = win.pads();
    String out = l.name();
    writer.node(
        "MaxPool",
        List.of(x),
        List.of(out),
        Attribute.ints("kernel_shape", win.size()[0], win.size()[1]),
        Attribute.ints("strides", win.strides()[0], win.strides()[1]),
        Attribute.ints("pads", pads[0], pads[1], pads[2], pads[3]));
    return new Value(out, new long[] {-1, in.shape()[1], win.outHw()[0], win.outHw()[1]});
  }

  /**
   * A pooling layer's window on an NCHW input: pool_size, strides (default: pool_size) and 'same'
   * pads as TensorFlow computes them (odd pixel at the bottom/right), or none for 'valid'.
   */
  private static Window window(JsonNode c, Value in) {
    int[] pool = pair(c.path("pool_size"), "pool_size");
    int[] strides =
        c.path("strides").isNull() || c.path("strides").isMissingNode()
            ? pool
            : pair(c.path("strides"), "strides");
    String padding = c.path("padding").asText("valid");
    int[] pads = new int[4];
    long[] outHw = new long[2];
    for (int a = 0; a < 2; a++) {
      long size = in.shape()[2 + a];
      if (padding.equals("same")) {
        long out = (size + strides[a] - 1) / strides[a];
        long total = Math.max((out - 1) * strides[a] + pool[a] - size, 0);
        pads[a] = (int) (total / 2);
        pads[a + 2] = (int) (total - total / 2);
        outHw[a] = out;
      } else if (padding.equals("valid")) {
        if (size < pool[a]) {
          throw new IllegalArgumentException("input " + size + " is smaller than pool " + pool[a]);
        }
        outHw[a] = (size - pool[a]) / strides[a] + 1;
      } else {
        throw new IllegalArgumentException("padding '" + padding + "'; only same and valid");
      }
    }
    return new Window(pool, strides, pads, outHw);
  }

  private Value concatenate(Layer l) {
    if (l.inbound().size() < 2) {
      throw new IllegalArgumentException(
          "Concatenate needs at least two inputs, got " + l.inbound());
    }
    int rank = in(l, 0).rank();
    int axis = l.config().path("axis").asInt(-1);
    int keras = axis < 0 ? axis + rank : axis;
    if (keras < 1 || keras >= rank) {
      throw new IllegalArgumentException(
          "axis " + axis + " of rank-" + rank + " inputs; only a non-batch axis");
    }
    // Keras's NHWC axis in our NCHW tensors: H -> 2, W -> 3, C -> 1
    int onnxAxis = rank == 4 ? new int[] {0, 2, 3, 1}[keras] : keras;
    long[] shape = null;
    List<String> ins = new ArrayList<>();
    for (int i = 0; i < l.inbound().size(); i++) {
      Value v = in(l, i);
      long[] s = v.shape();
      if (shape == null) {
        shape = s.clone();
      } else {
        boolean fits = s.length == shape.length;
        for (int d = 1; fits && d < s.length; d++) {
          fits = d == onnxAxis || s[d] == shape[d];
        }
        if (!fits) {
          throw new IllegalArgumentException(
              "input '"
                  + l.inbound().get(i)
                  + "' of shape "
                  + Arrays.toString(s)
                  + " does not fit "
                  + Arrays.toString(in(l, 0).shape())
                  + " except on axis "
                  + axis);
        }
        shape[onnxAxis] += s[onnxAxis];
      }
      ins.add(materialised(v, l.name() + "/" + i));
    }
    String out = tensorName(l, rank);
    writer.node("Concat", ins, List.of(out), Attribute.of("axis", (long) onnxAxis));
    return new Value(out, shape);
  }

  private Value flatten(Layer l) {
    Value in = in(l, 0);
    if (in.rank() == 2) {
      return in;
    }
    requireRank(in, 4);
    String x = materialised(in, l.name());
    long c = in.shape()[1];
    long h = in.shape()[2];
    long w = in.shape()[3];
    if (h * w != 1) { // Keras flattens H, W, C (channels last): go back to NHWC first
      String nhwc = l.name() + "/nhwc";
      writer.node("Transpose", List.of(x), List.of(nhwc), Attribute.ints("perm", 0, 2, 3, 1));
      x = nhwc;
    }
    String out = tensorName(l, 2);
    writer.node("Flatten", List.of(x), List.of(out), Attribute.of("axis", 1L));
    return new Value(out, new long[] {-1, c * h * w});
  }

  private Value dense(Layer l) {
    JsonNode c = l.config();
    Value in = in(l, 0);
    if (in.rank() != 2) {
      throw new IllegalArgumentException(
          "input of rank " + in.rank() + "; Dense converts on [N, K] inputs only (add a Flatten)");
    }
    long k = in.shape()[1];
    Weight kernel = weight(l, "kernel");
    int[] ks = kernel.shape();
    if (ks.length != 2 || ks[0] != k) {
      throw new IllegalArgumentException("kernel " + kernel + " does not fit " + k + " inputs");
    }
    int units = ks[1];
    String p = l.name();
    Weight.Uint8 stored = storedAsUint8(kernel);
    if (stored != null) {
      dequantisedKernel(p + "/W", new long[] {k, units}, stored, null);
    } else {
      writer.initializer(p + "/W", new long[] {k, units}, kernel.values());
    }
    List<String> ins = new ArrayList<>(List.of(in.onnx(), p + "/W"));
    if (c.path("use_bias").asBoolean(true)) {
      writer.initializer(p + "/B", new long[] {units}, weight(l, "bias", units).values());
      ins.add(p + "/B");
    }
    String act = c.path("activation").asText("linear");
    String out = act.equals("linear") ? tensorName(l, 2) : p + "/gemm";
    writer.node("Gemm", ins, List.of(out));
    Value v = new Value(out, new long[] {-1, units});
    return act.equals("linear") ? v : activationTo(v, act, tensorName(l, 2), l.name());
  }

  private Value activation(Layer l, Value in, String act) {
    if (act.equals("linear")) {
      return in;
    }
    return activationTo(
        new Value(materialised(in, l.name()), in.shape()), act, tensorName(l, in.rank()), l.name());
  }

  private Value activationTo(Value in, String act, String out, String layer) {
    switch (act) {
      case "relu":
        writer.node("Relu", List.of(in.onnx()), List.of(out));
        break;
      case "sigmoid":
        writer.node("Sigmoid", List.of(in.onnx()), List.of(out));
        break;
      case "tanh":
        writer.node("Tanh", List.of(in.onnx()), List.of(out));
        break;
      case "softmax": // Keras: over the last axis, the channels: axis 1 in [N, K] and in NCHW
        writer.node("Softmax", List.of(in.onnx()), List.of(out), Attribute.of("axis", 1L));
        break;
      default:
        throw new IllegalArgumentException(
            "activation '"
                + act
                + "' of layer '"
                + layer
                + "'; supported: linear, relu, sigmoid, tanh, softmax");
    }
    return new Value(out, in.shape());
  }

  // ---------------------------------------------------------------------------------------------
  // INT8

  /**
   * A layer's image output as its readers should see it: through QuantizeLinear/DequantizeLinear
   * when INT8 quantises it, observed when calibrating, unchanged otherwise. Quantised are the
   * outputs that a convolution, Add, pool or padding reads; so not an output read only by an
   * activation (the activation's output is) or by a folded BatchNormalization (its step decides),
   * nor zero padding pending for the next convolution (its input already is), nor the dense head.
   */
  private Value quantised(Layer l, Value v) {
    if (precision == Precision.FLOAT || v.rank() != 4 || v.pendingPads() != null) {
      return v;
    }
    if (dequantisedScale.containsKey(v.onnx()) || observed.containsKey(v.onnx())) {
      return v; // a layer that passes its input on (folded BatchNormalization, Dropout)
    }
    List<Layer> next = consumers.getOrDefault(l.name(), List.of());
    if (next.stream().noneMatch(n -> QUANTISED_READERS.contains(n.type()))) {
      return v;
    }
    if (precision == Precision.CALIBRATION) {
      observed.put(v.onnx(), v.shape());
      return v;
    }
    Range r = ranges.get(v.onnx());
    if (r == null) {
      return v; // left in float by the caller: its readers run in float
    }
    String p = v.onnx();
    writer.initializer(p + "/scale", new long[0], new float[] {r.scale()});
    writer.initializer(
        p + "/zero_point", ElementType.UINT8, new long[0], new byte[] {(byte) r.zeroPoint()});
    writer.node(
        "QuantizeLinear", List.of(p, p + "/scale", p + "/zero_point"), List.of(p + "/quantised"));
    writer.node(
        "DequantizeLinear",
        List.of(p + "/quantised", p + "/scale", p + "/zero_point"),
        List.of(p + "/dequantised"));
    dequantisedScale.put(p + "/dequantised", r.scale());
    return new Value(p + "/dequantised", v.shape());
  }

  /**
   * Writes a convolution's weight and bias and returns the names the Conv reads: the float
   * initializers (the weight as uint8 codes and their lookup when {@code stored} holds codes, see
   * {@link #dequantisedKernel}), or, when INT8 quantised the convolution's input, DequantizeLinear
   * outputs of int8 weights (symmetric, one scale per output channel) and int32 biases (scale
   * {@code s_input * s_weight[c]}, so that the integer kernel adds them as they are).
   */
  private List<String> convolutionWeights(
      String prefix, String input, long[] dims, double[] w, double[] b, StoredKernel stored) {
    String wName = prefix + "/W";
    String bName = prefix + "/B";
    Float inputScale = dequantisedScale.get(input);
    if (precision != Precision.INT8 || inputScale == null) {
      if (stored.uint8() != null) {
        dequantisedKernel(wName, dims, stored.uint8(), stored.fold());
      } else {
        writer.initializer(wName, dims, toFloats(w));
      }
      writer.initializer(bName, new long[] {dims[0]}, toFloats(b));
      return List.of(wName, bName);
    }
    int cout = (int) dims[0];
    int per = w.length / cout;
    byte[] wq = new byte[w.length];
    float[] wScale = new float[cout];
    int[] bq = new int[cout];
    float[] bScale = new float[cout];
    for (int o = 0; o < cout; o++) {
      double maxAbs = 0;
      for (int i = 0; i < per; i++) {
        maxAbs = Math.max(maxAbs, Math.abs(w[o * per + i]));
      }
      // float scale first, so that the values quantise against the scale the model stores
      wScale[o] = maxAbs > 0 ? (float) (maxAbs / 127) : 1f;
      for (int i = 0; i < per; i++) {
        long q = Math.round(w[o * per + i] / wScale[o]);
        wq[o * per + i] = (byte) Math.max(-127, Math.min(127, q));
      }
      bScale[o] = inputScale * wScale[o];
      long q = Math.round(b[o] / bScale[o]);
      bq[o] = (int) Math.max(Integer.MIN_VALUE + 1L, Math.min(Integer.MAX_VALUE, q));
    }
    long[] channels = {cout};
    writer.initializer(wName + "/quantised", ElementType.INT8, dims, wq);
    writer.initializer(wName + "/scale", channels, wScale);
    writer.initializer(wName + "/zero_point", ElementType.INT8, channels, new byte[cout]);
    writer.initializer(bName + "/quantised", channels, bq);
    writer.initializer(bName + "/scale", channels, bScale);
    writer.initializer(bName + "/zero_point", channels, new int[cout]);
    for (String n : List.of(wName, bName)) {
      writer.node(
          "DequantizeLinear",
          List.of(n + "/quantised", n + "/scale", n + "/zero_point"),
          List.of(n),
          Attribute.of("axis", 0L));
    }
    return List.of(wName, bName);
  }

  // ---------------------------------------------------------------------------------------------
  // Weight storage

  /** A convolution kernel's uint8 codes in ONNX order (null: float32) and its folded BN scale. */
  private record StoredKernel(Weight.Uint8 uint8, double[] fold) {}

  /** The weight's uint8 codes when the options keep them, else null (float32). */
  private Weight.Uint8 storedAsUint8(Weight w) {
    return options.weightStorage() == WeightStorage.TFJS_UINT8 ? w.uint8() : null;
  }

  /**
   * Writes the float32 kernel {@code name} as its uint8 codes and the nodes that make it: {@code
   * Gather(table, Cast(codes, int32))}, where the table holds the 256 values tfjs computes, {@code
   * float32(q * scale + min)} in double precision; with {@code fold} (a folded BatchNormalization's
   * scale per output channel, dimension 0) the result times {@code float32(fold[o])}.
   */
  private void dequantisedKernel(String name, long[] dims, Weight.Uint8 q, double[] fold) {
    float[] table = new float[256];
    for (int code = 0; code < table.length; code++) {
      table[code] = Weight.Uint8.dequantise(code, q.scale(), q.min());
    }
    writer.initializer(name + "/uint8", ElementType.UINT8, dims, q.codes());
    writer.initializer(name + "/table", new long[] {table.length}, table);
    writer.node(
        "Cast",
        List.of(name + "/uint8"),
        List.of(name + "/index"),
        Attribute.of("to", (long) ElementType.INT32.code()));
    String dequantised = fold == null ? name : name + "/dequantised";
    writer.node(
        "Gather",
        List.of(name + "/table", name + "/index"),
        List.of(dequantised),
        Attribute.of("axis", 0L));
    if (fold != null) {
      long[] perChannel = new long[dims.length];
      Arrays.fill(perChannel, 1);
      perChannel[0] = dims[0];
      writer.initializer(name + "/fold", perChannel, toFloats(fold));
      writer.node("Mul", List.of(dequantised, name + "/fold"), List.of(name));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private Value in(Layer l, int i) {
    if (i >= l.inbound().size()) {
      throw new IllegalArgumentException("has no input " + i);
    }
    return values.get(l.inbound().get(i));
  }

  /** The ONNX name of a value, applying pending zero padding when there is some. */
  private String materialised(Value v, String layerName) {
    return v.pendingPads() == null ? v.onnx() : pad(v, layerName);
  }

  /** The graph output's name for the output layer's [N, K] result; otherwise the layer's name. */
  private String tensorName(Layer l, int rank) {
    return l == outputLayer && rank == 2 ? options.outputName() : l.name();
  }

  private String constant(float value) {
    String name = "const/" + value;
    if (constants.add(name)) {
      writer.initializer(name, new long[0], new float[] {value});
    }
    return name;
  }

  private Weight weight(Layer l, String suffix) {
    for (String candidate : List.of(l.name() + "/" + suffix, l.name() + "/" + suffix + ":0")) {
      Weight w = model.weights().get(candidate);
      if (w != null) {
        usedWeights.add(candidate);
        return w;
      }
    }
    List<String> ofLayer = new ArrayList<>();
    for (String n : model.weights().keySet()) {
      if (n.startsWith(l.name() + "/")) {
        ofLayer.add(n);
      }
    }
    throw new IllegalArgumentException(
        "weight '" + l.name() + "/" + suffix + "' is missing; the layer's weights: " + ofLayer);
  }

  private Weight weight(Layer l, String suffix, int expected) {
    Weight w = weight(l, suffix);
    int[] s = w.shape();
    if (s.length != 1 || s[0] != expected) {
      throw new IllegalArgumentException(w + " should have shape [" + expected + "]");
    }
    return w;
  }

  private static int[] pair(JsonNode n, String field) {
    if (n.isInt()) {
      return new int[] {n.asInt(), n.asInt()};
    }
    if (!n.isArray() || n.size() != 2 || n.get(0).asInt() < 1 || n.get(1).asInt() < 1) {
      throw new IllegalArgumentException(field + " " + n + " is not a pair of positive ints");
    }
    return new int[] {n.get(0).asInt(), n.get(1).asInt()};
  }

  private static JsonNode batchShape(JsonNode config) {
    for (String key : List.of("batch_input_shape", "batch_shape")) {
      if (config.path(key).isArray()) {
        return config.get(key);
      }
    }
    return null;
  }

  private static void requireRank(Value v, int rank) {
    if (v.rank() != rank) {
      throw new IllegalArgumentException(
          "input of shape " + Arrays.toString(v.shape()) + "; expected rank " + rank);
    }
  }

  private static Dim[] dims(long[] shape) {
    Dim[] d = new Dim[shape.length];
    for (int i = 0; i < shape.length; i++) {
      d[i] = shape[i] < 0 ? Dim.param("N") : Dim.of(shape[i]);
    }
    return d;
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  private static List<String> names(Iterable<Layer> layers) {
    List<String> n = new ArrayList<>();
    layers.forEach(l -> n.add(l.name() + " (" + l.type().toLowerCase(Locale.ROOT) + ")"));
    return n;
  }
}
