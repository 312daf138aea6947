package dev.streammod.models;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.streammod.models.preprocess.FramePreprocessor;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ONNX Runtime session for one model, on CPU or CUDA. Thread-safe: concurrent {@link #infer}
 * calls share the session (ONNX Runtime allows that). {@link #close()} waits for running calls, is
 * idempotent, and any use afterwards throws {@link IllegalStateException}. ONNX Runtime failures
 * surface as {@link InferenceException} naming the model, the device and the input shape.
 */
public final class InferenceEngine implements BatchInference, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceEngine.class);

  private final ModelArtifact artifact;
  private final ModelConfig config;
  private final String device;
  private final FramePreprocessor preprocessor;
  private final OrtEnvironment env;
  private final Set<String> requestedOutputs;
  // Read lock for runs, write lock for close: close never frees the session under a running call.
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  // Input buffer kept between infer() calls; callers that race simply allocate their own.
  private final AtomicReference<FloatBuffer> spareInput = new AtomicReference<>();
  private volatile OrtSession session;

  private InferenceEngine(
      ModelArtifact artifact, OrtEnvironment env, OrtSession session, String device) {
    this.artifact = artifact;
    this.config = artifact.config();
    this.env = env;
    this.session = session;
    this.device = device;
    this.preprocessor = FramePreprocessor.forConfig(config);
    this.requestedOutputs = Set.of(config.outputName());
  }

  /**
   * Opens a session for the artifact. CUDA is tried for CUDA and AUTO; AUTO falls back to CPU and
   * logs why, CUDA fails. The model's input and output are checked against the config here, so a
   * mismatch fails at open and not at the first frame.
   */
  public static InferenceEngine open(ModelArtifact artifact, EngineOptions options) {
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(options, "options");
    ModelConfig config = artifact.config();
    String model = "model '" + config.name() + "' version " + config.version();
    Path file = artifact.modelFile();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(model + ": model file " + file + " does not exist");
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession session = null;
    String device = "cpu";
    if (options.device() != ExecutionDevice.CPU) {
      String cuda = "cuda:" + options.cudaDeviceId();
      String unavailable = cudaUnavailableReason();
      if (unavailable == null) {
        try {
          session = createSession(env, file, options, true);
          device = cuda;
        } catch (OrtException e) {
          if (options.device() == ExecutionDevice.CUDA) {
            throw new InferenceException(
                model
                    + ": cannot start a session on "
                    + cuda
                    + " from "
                    + file
                    + ": "
                    + e.getMessage(),
                e);
          }
          LOG.warn(
              "{}: CUDA execution provider failed on {} ({}); falling back to CPU",
              model,
              cuda,
              e.getMessage());
        }
      } else if (options.device() == ExecutionDevice.CUDA) {
        throw new InferenceException(model + ": device CUDA requested but " + unavailable);
      } else {
        LOG.info("{}: {}; running on CPU", model, unavailable);
      }
    }
    if (session == null) {
      try {
        session = createSession(env, file, options, false);
      } catch (OrtException e) {
        throw new InferenceException(
            model
                + ": ONNX Runtime cannot load "
                + file
                + " ("
                + e.getCode()
                + "): "
                + e.getMessage()
                + " (not an ONNX model, or an operator or opset this runtime lacks?)",
            e);
      }
    }
    try {
      checkSignature(session, config, model);
    } catch (RuntimeException e) {
      closeQuietly(session, model);
      throw e;
    }
    LOG.info("{}: session open on {} ({})", model, device, options);
    return new InferenceEngine(artifact, env, session, device);
  }

  /** Null when the CUDA provider is in this ONNX Runtime build, otherwise why it is not. */
  private static String cudaUnavailableReason() {
    Set<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
    if (providers.contains(OrtProvider.CUDA)) {
      return null;
    }
    return "the CUDA execution provider is not in this ONNX Runtime build (providers: "
        + providers
        + "; the GPU build is com.microsoft.onnxruntime:onnxruntime_gpu, Maven profile 'gpu')";
  }

  private static OrtSession createSession(
      OrtEnvironment env, Path file, EngineOptions options, boolean cuda) throws OrtException {
    try (OrtSession.SessionOptions so = sessionOptions(options)) {
      if (cuda) {
        so.addCUDA(options.cudaDeviceId());
      }
      return onNamedThread(() -> env.createSession(file.toString(), so));
    }
  }

  /**
   * The name of the thread sessions are created on. ONNX Runtime's intra-op threads start from it
   * and inherit its name on Linux, so they show as {@value} in {@code top -H} and the bench counts
   * them as inference; created on the caller's thread they would carry its name instead.
   */
  public static final String THREAD_NAME = "onnxruntime";

  private static OrtSession onNamedThread(Callable<OrtSession> create) throws OrtException {
    FutureTask<OrtSession> task = new FutureTask<>(create);
    Thread t = new Thread(task, THREAD_NAME);
    t.setDaemon(true);
    t.start();
    boolean interrupted = false;
    while (true) {
      try {
        t.join(); // a session being created is not abandoned half-made: wait for it
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    try {
      return task.get();
    } catch (InterruptedException e) {
      throw new IllegalStateException("unreachable: the session thread has ended", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof OrtException ort) {
        throw ort;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  /**
   * The CPU session options an engine opened with {@code options} uses; the caller closes them. For
   * measuring a bare session against the engine under the same settings.
   */
  public static OrtSession.SessionOptions sessionOptions(EngineOptions options)
      throws OrtException {
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    try {
      so.setOptimizationLevel(optLevel(options.graphOptimization()));
      so.setIntraOpNumThreads(options.intraOpThreads());
      so.setInterOpNumThreads(options.interOpThreads());
      so.setCPUArenaAllocator(options.cpuMemoryArena());
      so.setMemoryPatternOptimization(options.memoryPattern());
      // Idle pool threads sleep instead of spinning: the cores are shared with decoding and the
      // rest of the job, and on nsfw-mobilenet-v2 with 2 intra-op threads spinning cost ~60%
      // more CPU per image (bare sessions, spinning on and off). No effect with one intra-op
      // thread.
      so.addConfigEntry("session.intra_op.allow_spinning", "0");
      return so;
    } catch (OrtException | RuntimeException e) {
      so.close();
      throw e;
    }
  }

  private static OrtSession.SessionOptions.OptLevel optLevel(GraphOptimization g) {
    return switch (g) {
      case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
      case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
      case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
      case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
    };
  }

  private static void checkSignature(OrtSession session, ModelConfig config, String model) {
    Map<String, NodeInfo> inputs;
    Map<String, NodeInfo> outputs;
    try {
      inputs = session.getInputInfo();
      outputs = session.getOutputInfo();
    } catch (OrtException e) {
      throw new InferenceException(model + ": cannot read the model's inputs and outputs", e);
    }
    NodeInfo in = inputs.get(config.inputName());
    if (in == null) {
      throw new InferenceException(
          model
              + ": config inputName '"
              + config.inputName()
              + "' is not a model input; inputs: "
              + describe(inputs));
    }
    long[] expected =
        config.layout() == TensorLayout.NCHW
            ? new long[] {-1, 3, config.height(), config.width()}
            : new long[] {-1, config.height(), config.width(), 3};
    ValueInfo iv = in.getInfo();
    if (!(iv instanceof TensorInfo)
        || ((TensorInfo) iv).type != OnnxJavaType.FLOAT
        || !fits(((TensorInfo) iv).getShape(), expected)) {
      throw new InferenceException(
          model
              + ": input '"
              + config.inputName()
              + "' is "
              + iv
              + ", but the config ("
              + config.layout()
              + " "
              + config.width()
              + "x"
              + config.height()
              + ") needs float "
              + Arrays.toString(expected).replace("-1", "N"));
    }
    NodeInfo out = outputs.get(config.outputName());
    if (out == null) {
      throw new InferenceException(
          model
              + ": config outputName '"
              + config.outputName()
              + "' is not a model output; outputs: "
              + describe(outputs));
    }
    ValueInfo ov = out.getInfo();
    if (ov instanceof TensorInfo) {
      long[] shape = ((TensorInfo) ov).getShape();
      long last = shape.length == 0 ? -1 : shape[shape.length - 1];
      if (((TensorInfo) ov).type != OnnxJavaType.FLOAT
          || (last > 0 && last != config.labels().size())) {
        throw new InferenceException(
            model
                + ": output '"
                + config.outputName()
                + "' is "
                + ov
                + ", but the config has "
                + config.labels().size()
                + " labels "
                + config.labels());
      }
    } else {
      throw new InferenceException(
          model + ": output '" + config.outputName() + "' is not a tensor: " + ov);
    }
  }

  private static boolean fits(long[] actual, long[] expected) {
    if (actual.length != expected.length) {
      return false;
    }
    for (int i = 0; i < actual.length; i++) {
      if (actual[i] > 0 && expected[i] > 0 && actual[i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static String describe(Map<String, NodeInfo> infos) {
    Map<String, String> m = new LinkedHashMap<>();
    infos.forEach((k, v) -> m.put(k, String.valueOf(v.getInfo())));
    return m.toString();
  }

  public ModelArtifact artifact() {
    return artifact;
  }

  @Override
  public ModelConfig config() {
    return config;
  }

  /** "cpu" or "cuda:N": where the session really runs, after any fallback. */
  @Override
  public String deviceDescription() {
    return device;
  }

  /** The preprocessor matching this model's config. */
  public FramePreprocessor preprocessor() {
    return preprocessor;
  }

  /**
   * Scores {@code count} packed RGB24 HWC frames at the model size, back to back from byte {@code
   * offset}. Returns probabilities, {@code [count][labels.size()]}, in one session run.
   */
  public float[][] infer(byte[] rgb, int offset, int count) {
    Objects.requireNonNull(rgb, "rgb");
    if (count < 0
        || offset < 0
        || (long) offset + (long) count * preprocessor.frameBytes() > rgb.length) {
      throw new IllegalArgumentException(
          "rgb holds "
              + rgb.length
              + " bytes, cannot read "
              + count
              + " frames of "
              + config.width()
              + "x"
              + config.height()
              + " RGB24 from offset "
              + offset);
    }
    ensureOpen();
    if (count == 0) {
      return new float[0][];
    }
    FloatBuffer buffer = spareInput.getAndSet(null);
    if (buffer == null || buffer.capacity() < count * preprocessor.frameFloats()) {
      buffer = preprocessor.allocate(count);
    }
    try {
      preprocessor.convert(rgb, offset, count, buffer, 0);
      return inferPreprocessed(buffer, count);
    } finally {
      spareInput.set(buffer);
    }
  }

  @Override
  public float[][] inferPreprocessed(FloatBuffer input, int count) {
    Objects.requireNonNull(input, "input");
    int floats = count * preprocessor.frameFloats();
    if (count < 1 || input.capacity() < floats) {
      throw new IllegalArgumentException(
          "count must be >= 1 and fit the buffer (" + input.capacity() + " floats), got " + count);
    }
    lock.readLock().lock();
    try {
      OrtSession s = ensureOpen();
      long[] shape = preprocessor.shape(count);
      FloatBuffer view = input.duplicate();
      view.clear().limit(floats);
      try (OnnxTensor tensor = OnnxTensor.createTensor(env, view.slice(), shape);
          OrtSession.Result result = s.run(Map.of(config.inputName(), tensor), requestedOutputs)) {
        return readScores(result, count, shape);
      } catch (OrtException e) {
        throw new InferenceException(
            where(shape) + " failed (" + e.getCode() + "): " + e.getMessage(), e);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  // Copies the output into Java arrays: the Result and its tensors are freed when the caller's
  // scope ends.
  private float[][] readScores(OrtSession.Result result, int count, long[] shape)
      throws OrtException {
    OnnxValue value =
        result
            .get(config.outputName())
            .orElseThrow(
                () ->
                    new InferenceException(
                        where(shape) + " returned no output '" + config.outputName() + "'"));
    int labels = config.labels().size();
    if (!(value instanceof OnnxTensor)) {
      throw new InferenceException(
          where(shape) + " returned a " + value.getType() + ", expected a float tensor");
    }
    OnnxTensor out = (OnnxTensor) value;
    long[] outShape = out.getInfo().getShape();
    FloatBuffer scores = out.getFloatBuffer();
    if (scores == null || scores.remaining() != count * labels || outShape[0] != count) {
      throw new InferenceException(
          where(shape)
              + " returned output '"
              + config.outputName()
              + "' of shape "
              + Arrays.toString(outShape)
              + ", expected ["
              + count
              + ", "
              + labels
              + "] for labels "
              + config.labels());
    }
    float[][] rows = new float[count][labels];
    for (float[] row : rows) {
      scores.get(row);
      if (config.outputKind() == OutputKind.LOGITS) {
        softmaxInPlace(row);
      }
    }
    return rows;
  }

  static void softmaxInPlace(float[] row) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : row) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int i = 0; i < row.length; i++) {
      double e = Math.exp(row[i] - max);
      row[i] = (float) e;
      sum += e;
    }
    for (int i = 0; i < row.length; i++) {
      row[i] = (float) (row[i] / sum);
    }
  }

  private String where(long[] shape) {
    return "model '"
        + config.name()
        + "' version "
        + config.version()
        + " on "
        + device
        + ": run with input '"
        + config.inputName()
        + "' "
        + Arrays.toString(shape);
  }

  private OrtSession ensureOpen() {
    OrtSession s = session;
    if (s == null) {
      throw new IllegalStateException(
          "InferenceEngine for model '"
              + config.name()
              + "' version "
              + config.version()
              + " is closed");
    }
    return s;
  }

  /** Idempotent; waits for calls in progress, then frees the native session. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      OrtSession s = session;
      session = null;
      spareInput.set(null);
      if (s != null) {
        closeQuietly(s, "model '" + config.name() + "' version " + config.version());
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  public boolean isClosed() {
    return session == null;
  }

  private static void closeQuietly(OrtSession s, String model) {
    try {
      s.close();
    } catch (OrtException e) {
      LOG.warn("{}: closing the ONNX Runtime session failed: {}", model, e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "InferenceEngine{" + config.name() + ":" + config.version() + " on " + device + "}";
  }
}
