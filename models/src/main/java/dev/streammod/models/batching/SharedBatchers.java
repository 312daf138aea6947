package dev.streammod.models.batching;

import dev.streammod.models.EngineOptions;
import dev.streammod.models.ExecutionDevice;
import dev.streammod.models.InferenceEngine;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.ModelConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link DynamicBatcher} (and its {@link InferenceEngine}) per model file, model version and
 * device in this JVM, shared by every caller and reference counted: all operator instances in a
 * task manager feed the same batches. The first {@link #acquire} opens the engine with its options
 * and settings; later callers with other options get the existing batcher (a warning is logged).
 * The last {@link Lease#close()} closes the batcher, then the engine.
 *
 * <p>"Per JVM" means per class loader that loads this class: put the models jar (with ONNX Runtime)
 * where all jobs share it, e.g. Flink's lib/, to share across jobs.
 */
public final class SharedBatchers {
  private static final Logger LOG = LoggerFactory.getLogger(SharedBatchers.class);
  private static final Map<Key, Entry> ENTRIES = new HashMap<>(); // guarded by ENTRIES

  private SharedBatchers() {}

  private record Key(
      Path modelFile, String name, String version, ExecutionDevice device, int cudaDeviceId) {}

  private static final class Entry {
    final Key key;
    final ModelConfig config;
    final EngineOptions engineOptions;
    final BatcherSettings batcherSettings;
    final InferenceEngine engine;
    final DynamicBatcher batcher;
    int leases;

    Entry(
        Key key,
        ModelConfig config,
        EngineOptions engineOptions,
        BatcherSettings batcherSettings,
        InferenceEngine engine,
        DynamicBatcher batcher) {
      this.key = key;
      this.config = config;
      this.engineOptions = engineOptions;
      this.batcherSettings = batcherSettings;
      this.engine = engine;
      this.batcher = batcher;
    }
  }

  /**
   * A lease on the shared batcher for this artifact and device, opening engine and batcher if this
   * is the first. The engine is opened while holding a JVM-wide lock, so concurrent first callers
   * open one session, not several.
   */
  public static Lease acquire(
      ModelArtifact artifact, EngineOptions engineOptions, BatcherSettings batcherSettings) {
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(engineOptions, "engineOptions");
    Objects.requireNonNull(batcherSettings, "batcherSettings");
    ModelConfig config = artifact.config();
    int cudaId = engineOptions.device() == ExecutionDevice.CPU ? 0 : engineOptions.cudaDeviceId();
    Key key =
        new Key(
            canonical(artifact.modelFile()),
            config.name(),
            config.version(),
            engineOptions.device(),
            cudaId);
    synchronized (ENTRIES) {
      Entry e = ENTRIES.get(key);
      if (e == null) {
        InferenceEngine engine = InferenceEngine.open(artifact, engineOptions);
        DynamicBatcher batcher;
        try {
          batcher = new DynamicBatcher(engine, batcherSettings);
        } catch (RuntimeException | Error t) {
          engine.close();
          throw t;
        }
        e = new Entry(key, config, engineOptions, batcherSettings, engine, batcher);
        ENTRIES.put(key, e);
        LOG.info(
            "shared batcher {} opened for {} ({}, {})",
            batcher,
            key.modelFile(),
            engineOptions,
            batcherSettings);
      } else {
        if (!e.config.equals(config)) {
          throw new IllegalArgumentException(
              "model file "
                  + key.modelFile()
                  + " is already served with config "
                  + e.config
                  + "; cannot share it with a different config "
                  + config);
        }
        if (!e.engineOptions.equals(engineOptions) || !e.batcherSettings.equals(batcherSettings)) {
          LOG.warn(
              "shared batcher {} already runs with {} and {}; ignoring {} and {} from a later"
                  + " caller",
              e.batcher,
              e.engineOptions,
              e.batcherSettings,
              engineOptions,
              batcherSettings);
        }
      }
      e.leases++;
      return new Lease(e);
    }
  }

  /** Batchers open now in this class loader; for tests and diagnostics. */
  public static int openBatchers() {
    synchronized (ENTRIES) {
      return ENTRIES.size();
    }
  }

  private static Path canonical(Path file) {
    try {
      return file.toRealPath();
    } catch (IOException e) {
      return file.toAbsolutePath().normalize(); // InferenceEngine.open reports the missing file
    }
  }

  private static void release(Entry e) {
    synchronized (ENTRIES) {
      if (--e.leases > 0) {
        return;
      }
      ENTRIES.remove(e.key, e);
    }
    // Outside the lock: closing waits for a running batch, other models need not wait for it.
    try {
      e.batcher.close();
    } finally {
      e.engine.close();
      LOG.info("shared batcher {} closed", e.batcher);
    }
  }

  /**
   * One holder's share of a batcher. Close is idempotent; the last one closes batcher and engine.
   */
  public static final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean closed; // guarded by this

    private Lease(Entry entry) {
      this.entry = entry;
    }

    public DynamicBatcher batcher() {
      ensureOpen();
      return entry.batcher;
    }

    public ModelConfig config() {
      return entry.config;
    }

    public String deviceDescription() {
      return entry.engine.deviceDescription();
    }

    /** The engine behind the batcher, e.g. for a side-by-side raw inference benchmark. */
    public InferenceEngine engine() {
      ensureOpen();
      return entry.engine;
    }

    private synchronized void ensureOpen() {
      if (closed) {
        throw new IllegalStateException("lease on " + entry.batcher + " is closed");
      }
    }

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      release(entry);
    }
  }
}
