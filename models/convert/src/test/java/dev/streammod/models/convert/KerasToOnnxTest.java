package dev.streammod.models.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tiny Keras models written by {@link TinyKeras}, converted, run by ONNX Runtime and compared with
 * the plain Java reference computation of the same layers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KerasToOnnxTest {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
  private static final KerasToOnnx.Options OPTIONS =
      new KerasToOnnx.Options("tiny", "x", "y", "test model");
  private static final KerasToOnnx.Options UINT8_OPTIONS =
      new KerasToOnnx.Options("tiny", "x", "y", "test model", KerasToOnnx.WeightStorage.TFJS_UINT8);
  private static final double TOLERANCE = 1e-4;

  @TempDir Path dir;

  @ParameterizedTest(name = "quantised={0}")
  @ValueSource(booleans = {false, true})
  void mobileNetV2LikeModelMatchesTheReference(boolean quantised) throws Exception {
    TinyKeras k = new TinyKeras(42, quantised);
    String x = k.input("input_1", 9, 9, 3);
    // stem: ZeroPadding2D + valid stride-2 conv (padding folded into the conv), BN, ReLU6
    String p = k.zeroPad("stem_pad", x, 0, 1, 0, 1);
    String c = k.conv("stem", p, 3, 8, 3, 2, 1, "valid", false, "linear");
    String r = k.relu("stem_relu", k.batchNorm("stem_bn", c, 8), 6.0);
    // inverted residual: depthwise 'same', BN, ReLU6, 1x1 projection, BN, Add
    String d = k.depthwise("block_dw", r, 8, 3, 1, "same", 1);
    String dr = k.relu("block_dw_relu", k.batchNorm("block_dw_bn", d, 8), 6.0);
    String proj =
        k.batchNorm(
            "block_project_bn",
            k.conv("block_project", dr, 8, 8, 1, 1, 1, "same", false, "linear"),
            8);
    String sum = k.add("block_add", r, proj);
    // downsampling depthwise with multiplier 2 behind a ZeroPadding2D, plain ReLU
    String dp = k.zeroPad("down_pad", sum, 1, 1, 1, 1);
    String dd = k.depthwise("down_dw", dp, 8, 3, 2, "valid", 2);
    String dr2 = k.relu("down_relu", k.batchNorm("down_bn", dd, 16), null);
    // head: average pooling, flatten, dense relu, dropout, dense softmax
    String pool = k.averagePool("pool", dr2, 2, 2, "valid");
    String f = k.flatten("flatten", pool);
    String h = k.dropout("dropout", k.dense("dense_1", f, 16, 6, "relu"), 0.5);
    String out = k.dense("dense_2", h, 6, 5, "softmax");
    k.write(dir, out, false);

    float[][] result = runAndCompare(k, out, 3, 5);
    for (float[] row : result) {
      double sumP = 0;
      for (float v : row) {
        sumP += v;
      }
      assertThat(sumP).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(KerasToOnnx.WeightStorage.class)
  void inceptionV3LikeModelMatchesTheReference(KerasToOnnx.WeightStorage storage) throws Exception {
    TinyKeras k = inceptionLike();
    k.write(dir, "dense_2", false);
    KerasToOnnx.Options options = new KerasToOnnx.Options("tiny", "x", "y", "test model", storage);

    float[][] result = runAndCompare(k, "dense_2", 3, 5, options);

    for (float[] row : result) {
      double sumP = 0;
      for (float v : row) {
        sumP += v;
      }
      assertThat(sumP).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void uint8StorageDequantisesToTheFloat32WeightsBitForBit() throws Exception {
    TinyKeras k = new TinyKeras(46, true);
    String x = k.input("in", 6, 6, 3);
    String c = k.conv("conv", x, 3, 4, 1, 3, 1, 1, "same", true, "relu");
    String m = k.maxPool("pool", c, 2, 2, "valid");
    String out = k.dense("dense", k.flatten("flat", m), 36, 5, "softmax");
    k.write(dir, out, false);
    float[] input = randomInput(2 * 6 * 6 * 3, 5);
    long[] shape = {2, 6, 6, 3};
    TfjsLayersModel model = TfjsLayersModel.fromDirectory(dir);
    byte[] float32 = KerasToOnnx.convert(model, OPTIONS);
    byte[] uint8 = KerasToOnnx.convert(model, UINT8_OPTIONS);

    // No BatchNormalization to fold: the same kernels, so the same outputs to the last bit,
    // whether ONNX Runtime folds the lookup into constants (optimisation ALL) or runs it (none).
    for (OrtSession.SessionOptions.OptLevel level :
        List.of(
            OrtSession.SessionOptions.OptLevel.ALL_OPT,
            OrtSession.SessionOptions.OptLevel.NO_OPT)) {
      assertThat(run(uint8, input, shape, null, level))
          .as("optimisation %s", level)
          .containsExactly(run(float32, input, shape, null, level));
    }
  }

  @Test
  void uint8StorageFoldsBatchNormalizationInFloat32() throws Exception {
    TinyKeras k = inceptionLike();
    k.write(dir, "dense_2", false);
    TfjsLayersModel model = TfjsLayersModel.fromDirectory(dir);
    float[] input = randomInput(2 * 17 * 17 * 3, 6);
    long[] shape = {2, 17, 17, 3};

    float[] float32 = run(KerasToOnnx.convert(model, OPTIONS), input, shape, null);
    float[] uint8 = run(KerasToOnnx.convert(model, UINT8_OPTIONS), input, shape, null);

    // folded in double (float32 storage) or in float32 (uint8): the last bit of some kernels
    for (int i = 0; i < float32.length; i++) {
      assertThat((double) uint8[i])
          .isCloseTo(float32[i], org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void uint8StorageKeepsOneBytePerKernelWeight() throws Exception {
    TinyKeras k = new TinyKeras(45, true);
    String x = k.input("in", 4, 4, 16);
    String c = k.conv("conv", x, 16, 32, 3, 3, 1, 1, "same", false, "linear");
    String a = k.activation("relu", k.batchNorm("bn", c, 32, false));
    String out = k.dense("dense", k.flatten("flat", a), 512, 8, "softmax");
    k.write(dir, out, false);
    TfjsLayersModel model = TfjsLayersModel.fromDirectory(dir);
    int weights = 3 * 3 * 16 * 32 + 512 * 8;

    byte[] float32 = KerasToOnnx.convert(model, OPTIONS);
    byte[] uint8 = KerasToOnnx.convert(model, UINT8_OPTIONS);

    assertThat(float32.length).isGreaterThan(4 * weights);
    // one byte per weight, plus a 256-value table per kernel and the folded scales
    assertThat(uint8.length).isLessThan(float32.length - 3 * weights + 3_000);
    runAndCompare(k, out, 2, 8, UINT8_OPTIONS);
  }

  @ParameterizedTest(name = "{0} pool={1} stride={2}")
  @CsvSource({"valid, 3, 2", "same, 3, 1", "same, 2, 2", "valid, 2, 1"})
  void maxPoolingTakesTheMaximumOverRealPixels(String padding, int pool, int stride)
      throws Exception {
    TinyKeras k = new TinyKeras(pool * 10 + stride, false);
    String x = k.input("in", 7, 8, 2);
    // a convolution without activation, so that windows at the border hold negative values only
    String c = k.conv("conv", x, 2, 3, 1, 1, 1, "valid", true, "linear");
    String out = k.maxPool("pool", c, pool, stride, padding);
    k.write(dir, out, false);
    runAndCompare(k, out, 2, -1);
  }

  @ParameterizedTest(name = "axis={0}")
  @ValueSource(ints = {-1, 3, 1, 2})
  void concatenateJoinsOnKerasAxis(int axis) throws Exception {
    TinyKeras k = new TinyKeras(40 + axis, false);
    String x = k.input("in", 4, 5, 2);
    String a = k.conv("a", x, 2, 3, 1, 1, 1, "same", true, "relu");
    String b = k.conv("b", x, 2, 3, 3, 1, 1, "same", true, "linear");
    String out = k.concatenate("concat", axis, a, b, a);
    k.write(dir, out, false);
    runAndCompare(k, out, 2, -1);
  }

  @Test
  void concatenateOfVectors() throws Exception {
    TinyKeras k = new TinyKeras(43, true);
    String x = k.input("in", 6);
    String a = k.dense("a", x, 6, 3, "relu");
    String b = k.dense("b", x, 6, 4, "linear");
    String out = k.dense("out", k.concatenate("concat", -1, a, b), 7, 2, "softmax");
    k.write(dir, out, false);
    runAndCompare(k, out, 3, 2);
  }

  @Test
  void maxPoolingRightAfterZeroPaddingIsRefused() throws Exception {
    TinyKeras k = new TinyKeras(44, false);
    String x = k.input("in", 5, 6, 2);
    String p = k.zeroPad("pad", x, 1, 1, 1, 1);
    String out = k.maxPool("pool", p, 3, 2, "valid");
    k.write(dir, out, false);
    TfjsLayersModel model = TfjsLayersModel.fromDirectory(dir);
    assertThatThrownBy(() -> KerasToOnnx.convert(model, OPTIONS))
        .hasMessageContaining("layer 'pool' (MaxPooling2D)")
        .hasMessageContaining("does not convert exactly");
  }

  @ParameterizedTest(name = "size={0} kernel={1} stride={2} dilation={3}")
  @CsvSource({"7, 3, 2, 1", "8, 3, 2, 1", "8, 4, 2, 1", "9, 2, 2, 1", "8, 3, 1, 2", "6, 5, 3, 1"})
  void samePaddingPadsLikeTensorFlow(int size, int kernel, int stride, int dilation)
      throws Exception {
    TinyKeras k = new TinyKeras(size * 100 + kernel, false);
    String x = k.input("in", size, size + 1, 2);
    String c = k.conv("conv", x, 2, 3, kernel, stride, dilation, "same", true, "linear");
    String d = k.depthwise("dw", c, 3, kernel, stride, "same", 1);
    String pool = k.averagePool("pool", d, 2, 2, "same");
    k.write(dir, pool, false);
    runAndCompare(k, pool, 2, -1);
  }

  @Test
  void samePaddingWithStrideTwoPutsTheOddPixelAtTheBottomRight() throws Exception {
    TinyKeras k = new TinyKeras(1, false);
    String x = k.input("in", 4, 4, 1);
    String c = k.conv("conv", x, 1, 1, 3, 2, 1, "same", false, "linear");
    k.set("conv/kernel", 1, 1, 1, 1, 1, 1, 1, 1, 1);
    k.write(dir, c, false);
    float[] input = new float[16];
    for (int i = 0; i < 16; i++) {
      input[i] = i + 1; // row r, column c holds 4r + c + 1
    }
    byte[] onnx = KerasToOnnx.convert(TfjsLayersModel.fromDirectory(dir), OPTIONS);
    float[] out = run(onnx, input, new long[] {1, 4, 4, 1}, new long[] {1, 2, 2, 1});
    // TensorFlow pads 0 rows above and 1 below (same for columns): the windows start at 0 and 2.
    assertThat(out).containsExactly(54f, 45f, 72f, 54f);
  }

  @Test
  void zeroPaddingBeforeAValidPoolCountsThePaddedZeros() throws Exception {
    TinyKeras k = new TinyKeras(7, false);
    String x = k.input("in", 5, 6, 2);
    String p = k.zeroPad("pad", x, 1, 0, 0, 1);
    String pool = k.averagePool("pool", p, 2, 2, "valid");
    k.write(dir, pool, false);
    runAndCompare(k, pool, 2, -1);
  }

  @Test
  void zeroPaddingThatFeedsNeitherConvolutionNorPoolIsAPadNode() throws Exception {
    TinyKeras k = new TinyKeras(8, false);
    String x = k.input("in", 5, 6, 2);
    String p = k.zeroPad("pad", x, 1, 2, 0, 3);
    String r = k.relu("relu", p, 6.0);
    String pool = k.averagePool("pool", r, 2, 2, "same");
    k.write(dir, pool, false);
    runAndCompare(k, pool, 2, -1);
  }

  @Test
  void samePoolingRightAfterZeroPaddingIsRefused() throws Exception {
    TinyKeras k = new TinyKeras(9, false);
    String x = k.input("in", 5, 6, 2);
    String p = k.zeroPad("pad", x, 1, 1, 1, 1);
    String pool = k.averagePool("pool", p, 2, 2, "same");
    String out = k.add("sum", pool, pool);
    k.write(dir, out, false);
    TfjsLayersModel model = TfjsLayersModel.fromDirectory(dir);
    assertThatThrownBy(() -> KerasToOnnx.convert(model, OPTIONS))
        .hasMessageContaining("layer 'pool' (AveragePooling2D)")
        .hasMessageContaining("does not convert exactly");
  }

  @Test
  void flattenKeepsKerasChannelsLastOrder() throws Exception {
    TinyKeras k = new TinyKeras(3, false);
    String x = k.input("in", 3, 4, 2);
    String c = k.conv("conv", x, 2, 3, 1, 1, 1, "valid", true, "relu");
    String f = k.flatten("flatten", c);
    String out = k.dense("dense", f, 36, 4, "linear");
    k.write(dir, out, false);
    runAndCompare(k, out, 2, 4);
  }

  @Test
  void batchNormalizationThatFollowsNoConvolutionIsABatchNormalizationNode() throws Exception {
    TinyKeras k = new TinyKeras(5, false);
    String x = k.input("in", 4, 4, 3);
    String c = k.conv("conv", x, 3, 4, 3, 1, 1, "same", true, "relu");
    String bn = k.batchNorm("bn", c, 4);
    String sum = k.add("sum", bn, c, c);
    k.write(dir, sum, false);
    runAndCompare(k, sum, 2, -1);
  }

  @Test
  void vectorModelsConvertWithoutTransposes() throws Exception {
    TinyKeras k = new TinyKeras(9, true);
    String x = k.input("in", 6);
    String d1 = k.dense("d1", x, 6, 8, "relu");
    String bn = k.batchNorm("bn", d1, 8);
    String out = k.dense("d2", k.relu("relu6", bn, 6.0), 8, 3, "softmax");
    k.write(dir, out, false);
    runAndCompare(k, out, 4, 3);
  }

  @Test
  void sequentialModelsConvert() throws Exception {
    TinyKeras k = new TinyKeras(11, false);
    String x = k.input("in", 6, 6, 2);
    String c = k.conv("conv", x, 2, 4, 3, 2, 1, "same", true, "linear");
    String r = k.relu("relu", k.batchNorm("bn", c, 4), 6.0);
    String out = k.dense("dense", k.flatten("flat", r), 36, 3, "softmax");
    k.write(dir, out, true);
    runAndCompare(k, out, 2, 3);
  }

  @Test
  void anUnsupportedLayerIsNamedInTheError() throws Exception {
    TinyKeras k = new TinyKeras(13, false);
    String x = k.input("in", 4, 4, 2);
    ObjectNode c = JsonNodeFactory.instance.objectNode().put("name", "up");
    c.putArray("size").add(2).add(2);
    String out = k.raw("up", "UpSampling2D", c, x);
    k.write(dir, out, false);
    TfjsLayersModel model = TfjsLayersModel.fromDirectory(dir);
    assertThatThrownBy(() -> KerasToOnnx.convert(model, OPTIONS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layer 'up' (UpSampling2D)")
        .hasMessageContaining("not supported; supported: InputLayer, ZeroPadding2D");
  }

  @Test
  void aMissingWeightIsNamedInTheError() throws Exception {
    TinyKeras k = new TinyKeras(17, false);
    String x = k.input("in", 4);
    String out = k.dense("dense", x, 4, 2, "linear");
    k.write(dir, out, false);
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(dir.resolve("model.json").toFile());
    ArrayNode layers = (ArrayNode) root.at("/modelTopology/model_config/config/layers");
    ((ObjectNode) layers.get(1)).put("name", "renamed");
    TfjsLayersModel model =
        TfjsLayersModel.of(
            root, p -> java.nio.file.Files.readAllBytes(dir.resolve(p)), "model.json");
    assertThatThrownBy(() -> KerasToOnnx.convert(model, OPTIONS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weight 'renamed/kernel' is missing");
  }

  @Test
  void reluWithAThresholdIsRefused() throws Exception {
    TinyKeras k = new TinyKeras(19, false);
    String x = k.input("in", 4);
    ObjectNode c = JsonNodeFactory.instance.objectNode().put("name", "r").put("threshold", 0.5);
    String out = k.raw("r", "ReLU", c, x);
    k.write(dir, out, false);
    TfjsLayersModel model = TfjsLayersModel.fromDirectory(dir);
    assertThatThrownBy(() -> KerasToOnnx.convert(model, OPTIONS))
        .hasMessageContaining("layer 'r' (ReLU): threshold 0.5");
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * The layers of InceptionV3 at toy size, uint8-quantised weights as nsfwjs ships them: stem
   * convolutions without bias, each followed by BatchNormalization without gamma and an Activation
   * relu; a 3x3 max pool; a mixed block whose branches (1x1; 1x7 then 7x1; 'same' average pool then
   * 1x1; 3x3 max pool) are concatenated on the channels; an 8x8-style 'valid' average pool over the
   * whole map, Flatten, Dense relu, Dropout, Dense softmax.
   */
  private static TinyKeras inceptionLike() {
    TinyKeras k = new TinyKeras(77, true);
    String x = k.input("input_1", 17, 17, 3);
    String s1 = convBn(k, "conv2d_1", x, 3, 8, 3, 3, 2, "valid"); // 8x8
    String s2 = convBn(k, "conv2d_2", s1, 8, 8, 3, 3, 1, "same");
    String m = k.maxPool("max_pooling2d_1", s2, 3, 1, "valid"); // 6x6
    String b1 = convBn(k, "conv2d_3", m, 8, 4, 1, 1, 1, "same");
    String b7 = convBn(k, "conv2d_4", m, 8, 4, 1, 7, 1, "same");
    b7 = convBn(k, "conv2d_5", b7, 4, 6, 7, 1, 1, "same");
    String bp = k.averagePool("average_pooling2d_1", m, 3, 1, "same");
    bp = convBn(k, "conv2d_6", bp, 8, 2, 1, 1, 1, "same");
    String mixed = k.concatenate("mixed0", 3, b1, b7, bp); // 6x6x12
    String down = convBn(k, "conv2d_7", mixed, 12, 4, 3, 3, 2, "valid"); // 2x2
    String dm = k.maxPool("max_pooling2d_2", mixed, 3, 2, "valid"); // 2x2x12
    String mixed1 = k.concatenate("mixed1", -1, down, dm); // 2x2x16
    String pool = k.averagePool("average_pooling2d_2", mixed1, 2, 2, "valid");
    String h = k.dense("dense_1", k.flatten("flatten_1", pool), 16, 6, "relu");
    k.dense("dense_2", k.dropout("dropout_1", h, 0.5), 6, 5, "softmax");
    return k;
  }

  /** Conv2D without bias, BatchNormalization without gamma, Activation relu. */
  private static String convBn(
      TinyKeras k,
      String name,
      String in,
      int cin,
      int filters,
      int kh,
      int kw,
      int stride,
      String padding) {
    String c = k.conv(name, in, cin, filters, kh, kw, stride, 1, padding, false, "linear");
    String bn = k.batchNorm(name.replace("conv2d", "batch_normalization"), c, filters, false);
    return k.activation(name.replace("conv2d", "activation"), bn);
  }

  private float[][] runAndCompare(TinyKeras k, String output, int batch, int width)
      throws Exception {
    return runAndCompare(k, output, batch, width, OPTIONS);
  }

  private static float[] randomInput(int count, long seed) {
    Random random = new Random(seed);
    float[] input = new float[count];
    for (int i = 0; i < count; i++) {
      input[i] = random.nextFloat();
    }
    return input;
  }

  /**
   * Converts the model in {@link #dir}, runs a random batch and checks every output value against
   * the reference. Returns the ONNX output rows.
   */
  private float[][] runAndCompare(
      TinyKeras k, String output, int batch, int width, KerasToOnnx.Options options)
      throws Exception {
    byte[] onnx = KerasToOnnx.convert(TfjsLayersModel.fromDirectory(dir), options);
    int[] shape = k.inputShape();
    int item = 1;
    long[] inShape = new long[shape.length + 1];
    inShape[0] = batch;
    for (int i = 0; i < shape.length; i++) {
      item *= shape[i];
      inShape[i + 1] = shape[i];
    }
    Random random = new Random(batch * 31L + item);
    float[] input = new float[batch * item];
    for (int i = 0; i < input.length; i++) {
      input[i] = random.nextFloat();
    }
    double[] expected0 = k.reference(output, java.util.Arrays.copyOfRange(input, 0, item));
    int outItem = expected0.length;
    if (width > 0) {
      assertThat(outItem).isEqualTo(width);
    }
    float[] actual = run(onnx, input, inShape, null);
    assertThat(actual).hasSize(batch * outItem);
    float[][] rows = new float[batch][outItem];
    double worst = 0;
    for (int b = 0; b < batch; b++) {
      double[] expected =
          k.reference(output, java.util.Arrays.copyOfRange(input, b * item, (b + 1) * item));
      for (int i = 0; i < outItem; i++) {
        float a = actual[b * outItem + i];
        rows[b][i] = a;
        double diff = Math.abs(a - expected[i]) / Math.max(1.0, Math.abs(expected[i]));
        worst = Math.max(worst, diff);
        assertThat(diff)
            .as("item %d value %d: onnx %s, reference %s", b, i, a, expected[i])
            .isLessThanOrEqualTo(TOLERANCE);
      }
    }
    assertThat(worst).isLessThanOrEqualTo(TOLERANCE);
    return rows;
  }

  private static float[] run(byte[] onnx, float[] input, long[] shape, long[] expectedOutShape)
      throws Exception {
    return run(onnx, input, shape, expectedOutShape, OrtSession.SessionOptions.OptLevel.ALL_OPT);
  }

  private static float[] run(
      byte[] onnx,
      float[] input,
      long[] shape,
      long[] expectedOutShape,
      OrtSession.SessionOptions.OptLevel level)
      throws Exception {
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(level);
      return run(onnx, input, shape, expectedOutShape, so);
    }
  }

  private static float[] run(
      byte[] onnx,
      float[] input,
      long[] shape,
      long[] expectedOutShape,
      OrtSession.SessionOptions so)
      throws Exception {
    try (OrtSession session = ENV.createSession(onnx, so);
        OnnxTensor t = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(input), shape);
        OrtSession.Result r = session.run(Map.of("x", t))) {
      OnnxTensor out = (OnnxTensor) r.get("y").orElseThrow();
      if (expectedOutShape != null) {
        assertThat(out.getInfo().getShape()).containsExactly(expectedOutShape);
      }
      FloatBuffer fb = out.getFloatBuffer();
      float[] a = new float[fb.remaining()];
      fb.get(a);
      return a;
    }
  }
}
