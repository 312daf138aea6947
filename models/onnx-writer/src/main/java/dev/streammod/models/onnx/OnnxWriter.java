package dev.streammod.models.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Writes an ONNX model (ModelProto) with our own protobuf encoder: graph inputs and outputs with
 * fixed or symbolic dimensions, initializers (float, int64, int32, int8, uint8), and nodes with
 * int, float, string and list attributes. Defaults: IR version 7, default-domain opset 13. Nodes
 * must be added in topological order; {@link #toByteArray()} checks that every node input is
 * defined before use.
 *
 * <pre>
 * new OnnxWriter("add")
 *     .input("a", ElementType.FLOAT, Dim.param("N"), Dim.of(4))
 *     .input("b", ElementType.FLOAT, Dim.param("N"), Dim.of(4))
 *     .node("Add", List.of("a", "b"), List.of("sum"))
 *     .output("sum", ElementType.FLOAT, Dim.param("N"), Dim.of(4))
 *     .write(path);
 * </pre>
 */
public final class OnnxWriter {
  public static final int DEFAULT_OPSET = 13;
  public static final long DEFAULT_IR_VERSION = 7;

  /** TensorProto.DataType codes. */
  public enum ElementType {
    FLOAT(1),
    UINT8(2),
    INT8(3),
    INT32(6),
    INT64(7);

    final int code;

    ElementType(int code) {
      this.code = code;
    }

    /** The TensorProto.DataType number (the value of a Cast node's {@code to}). */
    public int code() {
      return code;
    }
  }

  /** One tensor dimension: a fixed size, or a named symbolic one such as the batch "N". */
  public record Dim(long value, String param) {
    public Dim {
      if (param == null && value < 0) {
        throw new IllegalArgumentException("a fixed dimension must be >= 0, got " + value);
      }
      if (param != null && (param.isBlank() || value != -1)) {
        throw new IllegalArgumentException(
            "a symbolic dimension needs a name and value -1, got '" + param + "' and " + value);
      }
    }

    public static Dim of(long value) {
      return new Dim(value, null);
    }

    public static Dim param(String name) {
      return new Dim(-1, name == null ? "" : name);
    }
  }

  /** A node attribute; build with the static factories. */
  public static final class Attribute {
    // AttributeProto.AttributeType codes
    private static final int FLOAT = 1;
    private static final int INT = 2;
    private static final int STRING = 3;
    private static final int FLOATS = 6;
    private static final int INTS = 7;

    private final String name;
    private final int type;
    private final float f;
    private final long i;
    private final String s;
    private final float[] floats;
    private final long[] ints;

    private Attribute(
        String name, int type, float f, long i, String s, float[] floats, long[] ints) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("attribute name must not be blank, got '" + name + "'");
      }
      this.name = name;
      this.type = type;
      this.f = f;
      this.i = i;
      this.s = s;
      this.floats = floats;
      this.ints = ints;
    }

    public static Attribute of(String name, long value) {
      return new Attribute(name, INT, 0, value, null, null, null);
    }

    public static Attribute of(String name, float value) {
      return new Attribute(name, FLOAT, value, 0, null, null, null);
    }

    public static Attribute of(String name, String value) {
      return new Attribute(name, STRING, 0, 0, Objects.requireNonNull(value, name), null, null);
    }

    public static Attribute ints(String name, long... values) {
      return new Attribute(name, INTS, 0, 0, null, null, values.clone());
    }

    public static Attribute floats(String name, float... values) {
      return new Attribute(name, FLOATS, 0, 0, null, values.clone(), null);
    }

    public String name() {
      return name;
    }

    Proto encode() {
      // AttributeProto: name=1 f=2 i=3 s=4 floats=7 ints=8 type=20
      Proto p = new Proto().string(1, name).varint(20, type);
      switch (type) {
        case FLOAT:
          p.float32(2, f);
          break;
        case INT:
          p.varint(3, i);
          break;
        case STRING:
          p.string(4, s);
          break;
        case FLOATS:
          for (float v : floats) {
            p.float32(7, v);
          }
          break;
        case INTS:
          for (long v : ints) {
            p.varint(8, v);
          }
          break;
        default:
          throw new IllegalStateException("attribute type " + type);
      }
      return p;
    }
  }

  private record ValueInfo(String name, ElementType type, List<Dim> shape) {}

  private record Initializer(String name, ElementType type, long[] dims, byte[] rawLittleEndian) {}

  private record Node(
      String name,
      String opType,
      List<String> inputs,
      List<String> outputs,
      List<Attribute> attributes) {}

  private final String graphName;
  private int opset = DEFAULT_OPSET;
  private long irVersion = DEFAULT_IR_VERSION;
  private String producerName = "streammod";
  private String producerVersion = "";
  private String docString = "";
  private final List<ValueInfo> inputs = new ArrayList<>();
  private final List<ValueInfo> outputs = new ArrayList<>();
  private final List<Initializer> initializers = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();

  public OnnxWriter(String graphName) {
    this.graphName = requireName(graphName, "graph name");
  }

  public OnnxWriter opset(int opset) {
    if (opset < 1) {
      throw new IllegalArgumentException("opset must be >= 1, got " + opset);
    }
    this.opset = opset;
    return this;
  }

  public OnnxWriter irVersion(long irVersion) {
    if (irVersion < 3) {
      throw new IllegalArgumentException("irVersion must be >= 3, got " + irVersion);
    }
    this.irVersion = irVersion;
    return this;
  }

  public OnnxWriter producer(String name, String version) {
    this.producerName = Objects.requireNonNull(name, "producer name");
    this.producerVersion = Objects.requireNonNull(version, "producer version");
    return this;
  }

  public OnnxWriter docString(String docString) {
    this.docString = Objects.requireNonNull(docString, "docString");
    return this;
  }

  public OnnxWriter input(String name, ElementType type, Dim... shape) {
    inputs.add(
        new ValueInfo(
            requireName(name, "input name"), Objects.requireNonNull(type, "type"), List.of(shape)));
    return this;
  }

  public OnnxWriter output(String name, ElementType type, Dim... shape) {
    outputs.add(
        new ValueInfo(
            requireName(name, "output name"),
            Objects.requireNonNull(type, "type"),
            List.of(shape)));
    return this;
  }

  /** A float constant, values in row-major order. */
  public OnnxWriter initializer(String name, long[] dims, float[] values) {
    checkCount(name, dims, values.length);
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    initializers.add(
        new Initializer(
            requireName(name, "initializer name"), ElementType.FLOAT, dims.clone(), b.array()));
    return this;
  }

  /** An int64 constant (shapes, axes, indices), values in row-major order. */
  public OnnxWriter initializer(String name, long[] dims, long[] values) {
    checkCount(name, dims, values.length);
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    initializers.add(
        new Initializer(
            requireName(name, "initializer name"), ElementType.INT64, dims.clone(), b.array()));
    return this;
  }

  /** An int8 or uint8 constant (quantised weights, zero points), values in row-major order. */
  public OnnxWriter initializer(String name, ElementType type, long[] dims, byte[] values) {
    if (type != ElementType.INT8 && type != ElementType.UINT8) {
      throw new IllegalArgumentException(
          "initializer '" + name + "': byte values are INT8 or UINT8, got " + type);
    }
    checkCount(name, dims, values.length);
    initializers.add(
        new Initializer(requireName(name, "initializer name"), type, dims.clone(), values.clone()));
    return this;
  }

  /** An int32 constant (quantised biases and their zero points), values in row-major order. */
  public OnnxWriter initializer(String name, long[] dims, int[] values) {
    checkCount(name, dims, values.length);
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(values);
    initializers.add(
        new Initializer(
            requireName(name, "initializer name"), ElementType.INT32, dims.clone(), b.array()));
    return this;
  }

  /** A node in the default ONNX domain; an empty input name marks an omitted optional input. */
  public OnnxWriter node(
      String opType, List<String> inputs, List<String> outputs, Attribute... attributes) {
    requireName(opType, "opType");
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException(opType + " node needs at least one output");
    }
    nodes.add(
        new Node(
            opType.toLowerCase(java.util.Locale.ROOT) + "_" + nodes.size(),
            opType,
            List.copyOf(inputs),
            List.copyOf(outputs),
            List.of(attributes)));
    return this;
  }

  /** Encodes the ModelProto. */
  public byte[] toByteArray() {
    checkGraph();
    // GraphProto: node=1 name=2 initializer=5 doc_string=10 input=11 output=12
    Proto graph = new Proto();
    for (Node n : nodes) {
      graph.message(1, encode(n));
    }
    graph.string(2, graphName);
    for (Initializer t : initializers) {
      graph.message(5, encode(t));
    }
    if (!docString.isEmpty()) {
      graph.string(10, docString);
    }
    for (ValueInfo v : inputs) {
      graph.message(11, encode(v));
    }
    for (ValueInfo v : outputs) {
      graph.message(12, encode(v));
    }
    // ModelProto: ir_version=1 producer_name=2 producer_version=3 graph=7 opset_import=8
    // OperatorSetIdProto: domain=1 (empty: the default ONNX domain) version=2
    Proto model = new Proto().varint(1, irVersion).string(2, producerName);
    if (!producerVersion.isEmpty()) {
      model.string(3, producerVersion);
    }
    return model.message(7, graph).message(8, new Proto().varint(2, opset)).toByteArray();
  }

  /** Writes the model atomically (temp file, then move), creating parent folders. */
  public void write(Path file) {
    writeAtomically(file, toByteArray());
  }

  /**
   * Writes {@code bytes} to {@code file} atomically (temp file beside it, then move), creating
   * parent folders, so that a concurrent reader sees the old content or the new, never a part.
   * Deployed code uses {@code dev.streammod.models.io.AtomicFiles}; this copy stays because the kit
   * depends on nothing.
   */
  public static void writeAtomically(Path file, byte[] bytes) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".write", ".tmp");
      try {
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static Proto encode(Node n) {
    // NodeProto: input=1 output=2 name=3 op_type=4 attribute=5
    Proto p = new Proto();
    n.inputs().forEach(i -> p.string(1, i));
    n.outputs().forEach(o -> p.string(2, o));
    p.string(3, n.name()).string(4, n.opType());
    n.attributes().forEach(a -> p.message(5, a.encode()));
    return p;
  }

  private static Proto encode(Initializer t) {
    // TensorProto: dims=1 data_type=2 name=8 raw_data=9
    Proto p = new Proto();
    for (long d : t.dims()) {
      p.varint(1, d);
    }
    return p.varint(2, t.type().code).string(8, t.name()).bytes(9, t.rawLittleEndian());
  }

  private static Proto encode(ValueInfo v) {
    // TensorShapeProto.Dimension: dim_value=1 dim_param=2; TensorShapeProto: dim=1
    Proto shape = new Proto();
    for (Dim d : v.shape()) {
      shape.message(
          1,
          d.param() == null ? new Proto().varint(1, d.value()) : new Proto().string(2, d.param()));
    }
    // TypeProto.Tensor: elem_type=1 shape=2; TypeProto: tensor_type=1; ValueInfoProto: name=1
    // type=2
    Proto tensorType = new Proto().varint(1, v.type().code).message(2, shape);
    return new Proto().string(1, v.name()).message(2, new Proto().message(1, tensorType));
  }

  private void checkGraph() {
    if (outputs.isEmpty()) {
      throw new IllegalStateException("graph '" + graphName + "' has no output");
    }
    Set<String> defined = new HashSet<>();
    for (ValueInfo v : inputs) {
      if (!defined.add(v.name())) {
        throw new IllegalStateException(
            "graph '" + graphName + "': input '" + v.name() + "' is defined twice");
      }
    }
    for (Initializer t : initializers) {
      if (!defined.add(t.name())) {
        throw new IllegalStateException(
            "graph '" + graphName + "': initializer '" + t.name() + "' is defined twice");
      }
    }
    for (Node n : nodes) {
      for (String in : n.inputs()) {
        if (!in.isEmpty() && !defined.contains(in)) {
          throw new IllegalStateException(
              "graph '"
                  + graphName
                  + "': node "
                  + n.name()
                  + " ("
                  + n.opType()
                  + ") reads '"
                  + in
                  + "' before anything defines it");
        }
      }
      for (String out : n.outputs()) {
        if (!out.isEmpty() && !defined.add(out)) {
          throw new IllegalStateException(
              "graph '"
                  + graphName
                  + "': node "
                  + n.name()
                  + " ("
                  + n.opType()
                  + ") redefines '"
                  + out
                  + "'");
        }
      }
    }
    for (ValueInfo v : outputs) {
      if (!defined.contains(v.name())) {
        throw new IllegalStateException(
            "graph '" + graphName + "': output '" + v.name() + "' is never produced");
      }
    }
  }

  private static void checkCount(String name, long[] dims, int count) {
    long expected = 1;
    for (long d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "initializer '"
                + name
                + "' has a negative dimension in "
                + java.util.Arrays.toString(dims));
      }
      expected *= d;
    }
    if (expected != count) {
      throw new IllegalArgumentException(
          "initializer '"
              + name
              + "' has dims "
              + java.util.Arrays.toString(dims)
              + " ("
              + expected
              + " values) but "
              + count
              + " values");
    }
  }

  private static String requireName(String name, String what) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank, got '" + name + "'");
    }
    return name;
  }
}
