package dev.streammod.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.streammod.models.onnx.OnnxWriter.Attribute;
import dev.streammod.models.onnx.OnnxWriter.Dim;
import dev.streammod.models.onnx.OnnxWriter.ElementType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Models written by OnnxWriter, loaded and run by a real ONNX Runtime session. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OnnxWriterTest {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {1, 7})
  void addOfTwoInputsRunsWithASymbolicBatch(int batch) throws Exception {
    Path file = dir.resolve("add.onnx");
    new OnnxWriter("add")
        .input("a", ElementType.FLOAT, Dim.param("N"), Dim.of(4))
        .input("b", ElementType.FLOAT, Dim.param("N"), Dim.of(4))
        .node("Add", List.of("a", "b"), List.of("sum"))
        .output("sum", ElementType.FLOAT, Dim.param("N"), Dim.of(4))
        .write(file);

    float[][] a = new float[batch][4];
    float[][] b = new float[batch][4];
    for (int i = 0; i < batch; i++) {
      for (int j = 0; j < 4; j++) {
        a[i][j] = i * 10 + j;
        b[i][j] = 0.5f * j - i;
      }
    }
    try (OrtSession session = ENV.createSession(file.toString(), new OrtSession.SessionOptions());
        OnnxTensor ta = OnnxTensor.createTensor(ENV, a);
        OnnxTensor tb = OnnxTensor.createTensor(ENV, b);
        OrtSession.Result r = session.run(Map.of("a", ta, "b", tb))) {
      TensorInfo in = (TensorInfo) session.getInputInfo().get("a").getInfo();
      assertThat(in.getShape()).containsExactly(-1, 4);
      assertThat(in.getDimensionNames()[0]).isEqualTo("N");
      float[][] sum = (float[][]) r.get(0).getValue();
      assertThat(sum).hasDimensions(batch, 4);
      for (int i = 0; i < batch; i++) {
        for (int j = 0; j < 4; j++) {
          assertThat(sum[i][j]).isEqualTo(a[i][j] + b[i][j]);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7})
  void gemmWithInitializersAndFloatAndIntAttributes(int batch) throws Exception {
    // y = 0.5 * x @ W^T + 2 * c, W given as [out=2, in=3] (transB=1)
    float[] w = {1, 2, 3, -1, 0, 1};
    float[] c = {0.25f, -0.5f};
    byte[] model =
        new OnnxWriter("gemm")
            .input("x", ElementType.FLOAT, Dim.param("N"), Dim.of(3))
            .initializer("W", new long[] {2, 3}, w)
            .initializer("C", new long[] {2}, c)
            .node(
                "Gemm",
                List.of("x", "W", "C"),
                List.of("y"),
                Attribute.of("alpha", 0.5f),
                Attribute.of("beta", 2f),
                Attribute.of("transB", 1L))
            .output("y", ElementType.FLOAT, Dim.param("N"), Dim.of(2))
            .toByteArray();
    float[][] x = new float[batch][];
    for (int i = 0; i < batch; i++) {
      x[i] = new float[] {i, 1 - i, 0.5f * i};
    }
    try (OrtSession session = ENV.createSession(model, new OrtSession.SessionOptions());
        OnnxTensor tx = OnnxTensor.createTensor(ENV, x);
        OrtSession.Result r = session.run(Map.of("x", tx))) {
      float[][] y = (float[][]) r.get(0).getValue();
      assertThat(y).hasDimensions(batch, 2);
      for (int i = 0; i < batch; i++) {
        for (int o = 0; o < 2; o++) {
          float dot = 0;
          for (int k = 0; k < 3; k++) {
            dot += x[i][k] * w[o * 3 + k];
          }
          assertThat(y[i][o]).isCloseTo(0.5f * dot + 2 * c[o], within(1e-5f));
        }
      }
    }
  }

  @Test
  void negativeIntsListsAndInt64InitializersEncodeCorrectly() throws Exception {
    // Softmax(axis=-1) needs a ten-byte varint; Reshape and ReduceSum read int64 initializers;
    // ReduceMax takes an ints list attribute with a negative axis.
    byte[] model =
        new OnnxWriter("misc")
            .input("x", ElementType.FLOAT, Dim.param("N"), Dim.of(2), Dim.of(3))
            .initializer("flat", new long[] {2}, new long[] {-1, 6})
            .node("Reshape", List.of("x", "flat"), List.of("x6"))
            .node("Softmax", List.of("x6"), List.of("p"), Attribute.of("axis", -1L))
            .initializer("last", new long[] {1}, new long[] {-1})
            .node("ReduceSum", List.of("p", "last"), List.of("total"), Attribute.of("keepdims", 0L))
            .node(
                "ReduceMax",
                List.of("p"),
                List.of("top"),
                Attribute.ints("axes", -1),
                Attribute.of("keepdims", 0L))
            .output("p", ElementType.FLOAT, Dim.param("N"), Dim.of(6))
            .output("total", ElementType.FLOAT, Dim.param("N"))
            .output("top", ElementType.FLOAT, Dim.param("N"))
            .toByteArray();
    float[][][] x = {{{1, 2, 3}, {4, 5, 6}}, {{0, 0, 0}, {0, 0, 0}}};
    try (OrtSession session = ENV.createSession(model, new OrtSession.SessionOptions());
        OnnxTensor tx = OnnxTensor.createTensor(ENV, x);
        OrtSession.Result r = session.run(Map.of("x", tx))) {
      float[][] p = (float[][]) r.get("p").orElseThrow().getValue();
      float[] total = (float[]) r.get("total").orElseThrow().getValue();
      assertThat(p).hasDimensions(2, 6);
      assertThat(p[1][0]).isCloseTo(1f / 6, within(1e-6f));
      assertThat(p[0][5]).isGreaterThan(p[0][4]);
      float[] top = (float[]) r.get("top").orElseThrow().getValue();
      assertThat(total).containsExactly(new float[] {1, 1}, within(1e-5f));
      assertThat(top[0]).isEqualTo(p[0][5]);
      assertThat(top[1]).isCloseTo(1f / 6, within(1e-6f));
    }
  }

  @Test
  void rejectsAGraphThatReadsAnUndefinedValue() {
    OnnxWriter w =
        new OnnxWriter("broken")
            .input("a", ElementType.FLOAT, Dim.of(1))
            .node("Add", List.of("a", "b"), List.of("c"))
            .output("c", ElementType.FLOAT, Dim.of(1));
    assertThatThrownBy(w::toByteArray)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'b'")
        .hasMessageContaining("Add");
  }

  @Test
  void rejectsAnInitializerWhoseValuesDoNotMatchItsDims() {
    assertThatThrownBy(() -> new OnnxWriter("g").initializer("W", new long[] {2, 2}, new float[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'W'")
        .hasMessageContaining("[2, 2]");
  }

  @Test
  void protoVarintsMatchTheProtobufSpec() {
    // field 1, value 150 -> 08 96 01 (the protobuf encoding guide's example)
    assertThat(new Proto().varint(1, 150).toByteArray()).containsExactly(0x08, 0x96, 0x01);
    // -1 as int64: ten bytes
    assertThat(new Proto().varint(1, -1).toByteArray()).hasSize(11);
    // field 2, "testing" -> 12 07 74 65 73 74 69 6e 67
    assertThat(new Proto().string(2, "testing").toByteArray())
        .containsExactly(0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67);
    // fixed32 float 1.0f little endian
    assertThat(new Proto().float32(2, 1f).toByteArray())
        .containsExactly(0x15, 0x00, 0x00, 0x80, 0x3f);
  }
}
