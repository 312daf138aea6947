package dev.streammod.models.convert;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.streammod.models.ModelConfig;
import dev.streammod.models.preprocess.FramePreprocessor;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Measures the range of each tensor INT8 quantises: runs the float calibration graph in ONNX
 * Runtime on calibration frames (preprocessed as the engine does) and keeps, per tensor, the
 * smallest and largest value seen over all frames (min/max calibration).
 */
final class Calibrator {
  private static final int BATCH = 8;

  private Calibrator() {}

  /** {@code rgb} holds {@code frames} packed RGB24 frames at the model's size. */
  static Map<String, KerasToOnnx.Range> ranges(
      KerasToOnnx.CalibrationGraph graph, ModelConfig config, byte[] rgb, int frames) {
    return ranges(graph, config, rgb, frames, 1.0);
  }

  /**
   * As above, but each tensor's range cut to the central {@code percentile} of its values
   * (histogram of 4096 bins over the min/max range, both tails cut alike); 1 keeps min/max.
   */
  static Map<String, KerasToOnnx.Range> ranges(
      KerasToOnnx.CalibrationGraph graph,
      ModelConfig config,
      byte[] rgb,
      int frames,
      double percentile) {
    Map<String, KerasToOnnx.Range> minMax = pass(graph, config, rgb, frames, null);
    if (percentile >= 1.0) {
      return minMax;
    }
    Map<String, long[]> hist = new LinkedHashMap<>();
    pass(graph, config, rgb, frames, (name, values) -> {
      KerasToOnnx.Range r = minMax.get(name);
      long[] h = hist.computeIfAbsent(name, k -> new long[BINS]);
      float width = (r.max() - r.min()) / BINS;
      while (values.hasRemaining()) {
        float x = values.get();
        int bin = width > 0 ? (int) ((x - r.min()) / width) : 0;
        h[Math.max(0, Math.min(BINS - 1, bin))]++;
      }
    });
    Map<String, KerasToOnnx.Range> out = new LinkedHashMap<>();
    hist.forEach((name, h) -> {
      KerasToOnnx.Range r = minMax.get(name);
      long total = 0;
      for (long c : h) {
        total += c;
      }
      long cut = (long) Math.floor(total * (1 - percentile) / 2);
      int lo = 0;
      for (long seen = h[0]; seen <= cut && lo < BINS - 1; seen += h[++lo]) {}
      int hi = BINS - 1;
      for (long seen = h[hi]; seen <= cut && hi > 0; seen += h[--hi]) {}
      float width = (r.max() - r.min()) / BINS;
      out.put(name, new KerasToOnnx.Range(
          Math.min(0f, r.min() + lo * width), Math.max(0f, r.min() + (hi + 1) * width)));
    });
    return out;
  }

  private static final int BINS = 4096;

  private interface Observer {
    void accept(String tensor, FloatBuffer values);
  }

  private static Map<String, KerasToOnnx.Range> pass(
      KerasToOnnx.CalibrationGraph graph,
      ModelConfig config,
      byte[] rgb,
      int frames,
      Observer observer) {
    Objects.requireNonNull(graph, "graph");
    if (frames < 1) {
      throw new IllegalArgumentException("calibration needs at least one frame, got " + frames);
    }
    FramePreprocessor pre = FramePreprocessor.forConfig(config);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, KerasToOnnx.Range> ranges = new LinkedHashMap<>();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(graph.onnx(), so)) {
        for (int start = 0; start < frames; start += BATCH) {
          int n = Math.min(BATCH, frames - start);
          FloatBuffer input = pre.allocate(n);
          pre.convert(rgb, start * pre.frameBytes(), n, input, 0);
          try (OnnxTensor t = OnnxTensor.createTensor(env, input, pre.shape(n));
              OrtSession.Result r =
                  session.run(Map.of(config.inputName(), t), new java.util.HashSet<>(graph.tensors()))) {
            for (String name : graph.tensors()) {
              OnnxValue v = r.get(name).orElseThrow();
              FloatBuffer values = ((OnnxTensor) v).getFloatBuffer();
              if (observer != null) {
                observer.accept(name, values);
                continue;
              }
              float min = Float.POSITIVE_INFINITY;
              float max = Float.NEGATIVE_INFINITY;
              while (values.hasRemaining()) {
                float x = values.get();
                min = Math.min(min, x);
                max = Math.max(max, x);
              }
              ranges.merge(name, new KerasToOnnx.Range(min, max), KerasToOnnx.Range::union);
            }
          }
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException(
          "calibration of model '"
              + config.name()
              + "' in ONNX Runtime failed on "
              + frames
              + " frames of "
              + config.width()
              + "x"
              + config.height()
              + ": "
              + e.getMessage(),
          e);
    }
    return ranges;
  }

  /** The frames of {@code images} packed one after another. */
  static byte[] frames(List<CalibrationImages.Image> images, int size) {
    byte[] out = new byte[images.size() * 3 * size * size];
    for (int i = 0; i < images.size(); i++) {
      byte[] rgb = CalibrationImages.rgb(images.get(i).file(), size);
      System.arraycopy(rgb, 0, out, i * rgb.length, rgb.length);
    }
    return out;
  }
}
