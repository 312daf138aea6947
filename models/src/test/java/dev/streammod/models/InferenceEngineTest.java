package dev.streammod.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.streammod.models.onnx.OnnxWriter;
import dev.streammod.models.onnx.OnnxWriter.Attribute;
import dev.streammod.models.onnx.OnnxWriter.Dim;
import dev.streammod.models.onnx.OnnxWriter.ElementType;
import dev.streammod.models.testing.ColourStatsModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InferenceEngineTest {
  private static final int W = 8;
  private static final int H = 6;
  private static final EngineOptions CPU =
      EngineOptions.builder().device(ExecutionDevice.CPU).build();

  @TempDir Path dir;

  /** The colour-stats graph in either layout, ending in softmax or in raw logits. */
  private ModelArtifact variant(TensorLayout layout, OutputKind kind) {
    Dim n = Dim.param("N");
    Dim[] shape =
        layout == TensorLayout.NCHW
            ? new Dim[] {n, Dim.of(3), Dim.of(H), Dim.of(W)}
            : new Dim[] {n, Dim.of(H), Dim.of(W), Dim.of(3)};
    String out = kind == OutputKind.LOGITS ? "logits" : "probabilities";
    OnnxWriter w =
        new OnnxWriter("variant")
            .input("pixels", ElementType.FLOAT, shape)
            .initializer("weights", new long[] {3, 2}, new float[] {0, 20, 0, -10, 0, -10})
            .initializer("bias", new long[] {2}, new float[] {0, -6})
            .node(
                "ReduceMean",
                List.of("pixels"),
                List.of("means"),
                layout == TensorLayout.NCHW
                    ? Attribute.ints("axes", 2, 3)
                    : Attribute.ints("axes", 1, 2),
                Attribute.of("keepdims", 0L))
            .node("MatMul", List.of("means", "weights"), List.of("weighted"))
            .node("Add", List.of("weighted", "bias"), List.of("logits"));
    if (kind == OutputKind.PROBABILITIES) {
      w.node("Softmax", List.of("logits"), List.of(out), Attribute.of("axis", 1L));
    }
    Path file = dir.resolve(layout + "-" + kind + ".onnx");
    w.output(out, ElementType.FLOAT, n, Dim.of(2)).write(file);
    ModelConfig config =
        ModelArtifact.load(ColourStatsModel.write(dir.resolve("repo"), W, H)).config().toBuilder()
            .layout(layout)
            .outputName(out)
            .outputKind(kind)
            .build();
    return new ModelArtifact(file, config);
  }

  private static byte[] sampleFrames() {
    return Frames.concat(
        Frames.solid(W, H, 220, 30, 40),
        Frames.solid(W, H, 128, 128, 128),
        Frames.noise(W, H, 3),
        Frames.solid(W, H, 180, 90, 70));
  }

  @Test
  void nhwcAndLogitsModelsAgreeWithTheReference() {
    byte[] frames = sampleFrames();
    float[][] reference;
    try (InferenceEngine e =
        InferenceEngine.open(variant(TensorLayout.NCHW, OutputKind.PROBABILITIES), CPU)) {
      reference = e.infer(frames, 0, 4);
      assertThat(e.deviceDescription()).isEqualTo("cpu");
    }
    for (TensorLayout layout : TensorLayout.values()) {
      for (OutputKind kind : OutputKind.values()) {
        try (InferenceEngine e = InferenceEngine.open(variant(layout, kind), CPU)) {
          float[][] s = e.infer(frames, 0, 4);
          for (int i = 0; i < 4; i++) {
            assertThat(s[i])
                .as("%s %s frame %d", layout, kind, i)
                .containsExactly(reference[i], within(1e-5f));
          }
        }
      }
    }
    for (int i = 0; i < 4; i++) {
      double[] m =
          Frames.means(java.util.Arrays.copyOfRange(frames, i * 3 * W * H, (i + 1) * 3 * W * H));
      assertThat((double) reference[i][1])
          .isCloseTo(ColourStatsModel.redProbability(m[0], m[1], m[2]), within(1e-4));
    }
  }

  @Test
  void readsFramesFromAnOffsetAndHandlesEmptyAndShortInput() {
    byte[] frames = sampleFrames();
    int fb = 3 * W * H;
    try (InferenceEngine e =
        InferenceEngine.open(variant(TensorLayout.NCHW, OutputKind.PROBABILITIES), CPU)) {
      float[][] all = e.infer(frames, 0, 4);
      float[][] last2 = e.infer(frames, 2 * fb, 2);
      assertThat(last2[0]).containsExactly(all[2]);
      assertThat(last2[1]).containsExactly(all[3]);
      assertThat(e.infer(frames, 0, 0)).isEmpty();
      assertThatThrownBy(() -> e.infer(frames, fb, 4))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(W + "x" + H);
    }
  }

  @Test
  void onnxRuntimeThreadsCarryTheEngineThreadName() throws Exception {
    assumeThat(Files.isDirectory(Path.of("/proc/self/task"))).as("Linux /proc").isTrue();
    EngineOptions twoThreads = CPU.toBuilder().intraOpThreads(2).build();
    try (InferenceEngine e =
        InferenceEngine.open(variant(TensorLayout.NCHW, OutputKind.PROBABILITIES), twoThreads)) {
      e.infer(sampleFrames(), 0, 4);
      List<String> names = new java.util.ArrayList<>();
      try (var tasks = Files.list(Path.of("/proc/self/task"))) {
        for (Path t : (Iterable<Path>) tasks::iterator) {
          try {
            names.add(Files.readString(t.resolve("comm")).strip());
          } catch (java.io.IOException gone) {
            // ended meanwhile
          }
        }
      }
      assertThat(names).as("an intra-op thread of ONNX Runtime's").contains(InferenceEngine.THREAD_NAME);
    }
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseThrows() {
    InferenceEngine e =
        InferenceEngine.open(variant(TensorLayout.NCHW, OutputKind.PROBABILITIES), CPU);
    e.close();
    e.close();
    assertThat(e.isClosed()).isTrue();
    assertThatThrownBy(() -> e.infer(sampleFrames(), 0, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("colour-stats")
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> e.inferPreprocessed(e.preprocessor().allocate(1), 1))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aMissingModelFileIsAClearError() {
    ModelArtifact a = new ModelArtifact(dir.resolve("nope.onnx"), ModelArtifact.load(ColourStatsModel.write(dir.resolve("repo"), W, H)).config());
    assertThatThrownBy(() -> InferenceEngine.open(a, CPU))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("colour-stats", "nope.onnx", "does not exist");
  }

  @Test
  void aFileThatIsNotAModelNamesTheModelAndKeepsTheCause() throws Exception {
    Path junk = dir.resolve("junk.onnx");
    Files.writeString(junk, "not a model");
    ModelArtifact a = new ModelArtifact(junk, ModelArtifact.load(ColourStatsModel.write(dir.resolve("repo"), W, H)).config());
    assertThatThrownBy(() -> InferenceEngine.open(a, CPU))
        .isInstanceOf(InferenceException.class)
        .hasMessageContainingAll("colour-stats", "junk.onnx")
        .hasCauseInstanceOf(ai.onnxruntime.OrtException.class);
  }

  @Test
  void aConfigThatDoesNotFitTheModelFailsAtOpen() {
    ModelArtifact good = variant(TensorLayout.NCHW, OutputKind.PROBABILITIES);
    ModelArtifact wrongInput =
        new ModelArtifact(good.modelFile(), good.config().toBuilder().inputName("image").build());
    assertThatThrownBy(() -> InferenceEngine.open(wrongInput, CPU))
        .isInstanceOf(InferenceException.class)
        .hasMessageContainingAll("'image'", "pixels");
    ModelArtifact wrongSize =
        new ModelArtifact(good.modelFile(), good.config().toBuilder().width(W + 1).build());
    assertThatThrownBy(() -> InferenceEngine.open(wrongSize, CPU))
        .isInstanceOf(InferenceException.class)
        .hasMessageContainingAll("pixels", (W + 1) + "x" + H);
    ModelArtifact wrongLabels =
        new ModelArtifact(
            good.modelFile(), good.config().toBuilder().labels("a", "b", "c").build());
    assertThatThrownBy(() -> InferenceEngine.open(wrongLabels, CPU))
        .isInstanceOf(InferenceException.class)
        .hasMessageContainingAll("probabilities", "3 labels");
    ModelArtifact wrongLayout =
        new ModelArtifact(
            good.modelFile(), good.config().toBuilder().layout(TensorLayout.NHWC).build());
    assertThatThrownBy(() -> InferenceEngine.open(wrongLayout, CPU))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining("NHWC");
  }

  @Test
  void cudaOnACpuOnlyRuntimeFailsWhenAskedForAndFallsBackOnAuto() {
    assumeThat(OrtEnvironment.getAvailableProviders()).doesNotContain(OrtProvider.CUDA);
    ModelArtifact a = variant(TensorLayout.NCHW, OutputKind.PROBABILITIES);
    assertThatThrownBy(
            () ->
                InferenceEngine.open(
                    a, EngineOptions.builder().device(ExecutionDevice.CUDA).build()))
        .isInstanceOf(InferenceException.class)
        .hasMessageContainingAll("colour-stats", "CUDA", "onnxruntime_gpu");
    try (InferenceEngine e = InferenceEngine.open(a, EngineOptions.builder().build())) {
      assertThat(e.deviceDescription()).isEqualTo("cpu");
      assertThat(e.infer(Frames.solid(W, H, 255, 0, 0), 0, 1)[0][1]).isGreaterThan(0.99f);
    }
  }

  @Test
  void engineOptionsValidate() {
    assertThat(EngineOptions.builder().build().device()).isEqualTo(ExecutionDevice.AUTO);
    assertThatThrownBy(() -> EngineOptions.builder().intraOpThreads(-1).build())
        .hasMessageContainingAll("intraOpThreads", "-1");
    assertThatThrownBy(() -> EngineOptions.builder().cudaDeviceId(-2).build())
        .hasMessageContainingAll("cudaDeviceId", "-2");
    assertThatThrownBy(() -> EngineOptions.builder().device(null).build())
        .hasMessageContaining("device");
    assertThatThrownBy(() -> EngineOptions.builder().graphOptimization(null).build())
        .hasMessageContainingAll("graphOptimization", "null");
    EngineOptions tuned =
        EngineOptions.builder()
            .graphOptimization(GraphOptimization.BASIC)
            .cpuMemoryArena(false)
            .memoryPattern(false)
            .build();
    assertThat(tuned.toBuilder().build()).isEqualTo(tuned).hasSameHashCodeAs(tuned);
    assertThat(tuned).isNotEqualTo(EngineOptions.defaults());
    assertThat(tuned.toString()).contains("BASIC", "cpuMemoryArena=false", "memoryPattern=false");
  }

  @Test
  void everySessionOptionOpensAWorkingSession() {
    byte[] frames = sampleFrames();
    float[][] reference;
    try (InferenceEngine e =
        InferenceEngine.open(variant(TensorLayout.NCHW, OutputKind.PROBABILITIES), CPU)) {
      reference = e.infer(frames, 0, 4);
    }
    for (GraphOptimization g : GraphOptimization.values()) {
      EngineOptions o =
          CPU.toBuilder()
              .graphOptimization(g)
              .cpuMemoryArena(g.ordinal() % 2 == 0)
              .memoryPattern(g.ordinal() < 2)
              .intraOpThreads(2)
              .build();
      try (InferenceEngine e =
          InferenceEngine.open(variant(TensorLayout.NCHW, OutputKind.PROBABILITIES), o)) {
        float[][] s = e.infer(frames, 0, 4);
        for (int i = 0; i < 4; i++) {
          assertThat(s[i]).as("%s frame %d", o, i).containsExactly(reference[i], within(1e-5f));
        }
      }
    }
  }
}
