package dev.streammod.cli.bench;

import dev.streammod.cli.demo.SyntheticStreams;
import dev.streammod.models.testing.ColourStatsModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What one benchmark run does: the load it offers, the synthetic segments the load is made of, the
 * job that serves it and how the run measures. Made with {@link #builder()}, whose defaults are
 * those of {@code bin/moderation bench}; each part refuses a bad value when it is made, naming the
 * option and the value, so a built {@code BenchOptions} is valid.
 */
public record BenchOptions(Load load, Segments segments, Job job, Measurement measurement, Broker broker) {
  /** The model users run: the shipped one. */
  public static final String DEFAULT_MODEL = "nsfw-mobilenet-v2";

  /**
   * The colour-statistics test model, written by the bench at {@code --model-size}: the one model
   * whose decisions the synthetic content determines (red segments BLOCK, the rest ALLOW).
   */
  public static final String COLOUR_STATS = ColourStatsModel.NAME;

  public BenchOptions {
    Objects.requireNonNull(load, "load");
    Objects.requireNonNull(segments, "segments");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(measurement, "measurement");
    Objects.requireNonNull(broker, "broker");
  }

  /**
   * The offered load: {@code streams} live streams publishing for {@code duration}, each one
   * segment per {@code period} (null: the segment length), or, with {@code overload} > 0, at that
   * multiple of the raw ceiling; ramp and burst as in {@link LoadProfile}. The first {@code
   * warmup} is left out of rates and latencies.
   */
  public record Load(
      int streams,
      Duration duration,
      Duration warmup,
      Duration period,
      double overload,
      Duration ramp,
      double burstMultiplier,
      Duration burstStart,
      Duration burstLength) {

    public Load {
      if (streams < 1) {
        throw new IllegalArgumentException("--streams must be >= 1, got " + streams);
      }
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("--duration must be > 0, got " + duration);
      }
      if (period != null && period.toMillis() < 1) {
        throw new IllegalArgumentException("--period must be at least 1 ms, got " + period);
      }
      if (overload < 0 || Double.isNaN(overload) || Double.isInfinite(overload)) {
        throw new IllegalArgumentException("--overload must be >= 0, got " + overload);
      }
      if (overload > 0 && period != null) {
        throw new IllegalArgumentException("--overload sets the period itself; drop --period");
      }
      if (warmup.isNegative() || warmup.compareTo(duration) >= 0) {
        throw new IllegalArgumentException(
            "--warmup must be >= 0 and shorter than --duration (" + duration + "), got " + warmup);
      }
    }
  }

  /**
   * The pooled synthetic segments: {@code length} of {@code width}x{@code height} video at {@code
   * fps}, {@code pool} distinct neutral ones, carried as {@code payload}.
   */
  public record Segments(Duration length, int width, int height, double fps, int pool, PayloadMode payload) {

    public Segments {
      if (length.toMillis() < 100) {
        throw new IllegalArgumentException("--segment must be at least 100 ms, got " + length);
      }
      if (pool < 2) {
        throw new IllegalArgumentException("--pool must be >= 2, got " + pool);
      }
      payload = payload == null ? PayloadMode.INLINE : payload;
    }

    public SyntheticStreams.Shape shape() {
      return new SyntheticStreams.Shape(width, height, fps, length);
    }
  }

  /**
   * The job under test: its parallelism, the partitions of its topics, its checkpoint interval,
   * the YAML configuration and {@code --set} overrides, and the model: {@code model} in {@code
   * modelRepository} when one is given, else among the bundled models; {@value #COLOUR_STATS} is
   * written by the bench at {@code modelSize} unless the repository holds one.
   */
  public record Job(
      int parallelism,
      int partitions,
      Duration checkpointInterval,
      Path config,
      Map<String, String> overrides,
      Path modelRepository,
      String model,
      int modelSize) {

    public Job {
      if (parallelism < 1 || partitions < 1) {
        throw new IllegalArgumentException(
            "--parallelism and --partitions must be >= 1, got " + parallelism + " and " + partitions);
      }
      if (modelSize < 8 || modelSize > 1024) {
        throw new IllegalArgumentException("--model-size must be in 8..1024, got " + modelSize);
      }
      Objects.requireNonNull(checkpointInterval, "checkpointInterval");
      Objects.requireNonNull(model, "model");
      overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
    }
  }


  /**
   * How the run measures: each raw rate for {@code rawDuration}, a progress line every {@code
   * reportEvery}, a forced full GC every {@code gcEvery} (zero: only before the load and after the
   * drain), and at most {@code drainTimeout} for the last verdicts.
   */
  public record Measurement(Duration rawDuration, Duration reportEvery, Duration gcEvery, Duration drainTimeout) {

    public Measurement {
      if (rawDuration.toMillis() < 200) {
        throw new IllegalArgumentException("--raw-duration must be >= 200 ms, got " + rawDuration);
      }
      Objects.requireNonNull(reportEvery, "reportEvery");
      Objects.requireNonNull(drainTimeout, "drainTimeout");
      gcEvery = gcEvery == null ? Duration.ZERO : gcEvery;
    }
  }

  /** Where the Kafka broker runs. */
  public enum BrokerMode {
    /** In the bench's own JVM, next to the job (its CPU shows as the kafka-broker group). */
    IN_JVM("in-jvm"),
    /** In a JVM of its own ({@code kafka.Kafka}), started and stopped by the bench. */
    PROCESS("process"),
    /** One the user runs, at {@code --bootstrap-servers}. */
    EXTERNAL("external");

    private final String label;

    BrokerMode(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    /** By its label ({@code in-jvm}, {@code process}); refused with the choices otherwise. */
    public static BrokerMode of(String label) {
      for (BrokerMode m : values()) {
        if (m.label.equalsIgnoreCase(label)) {
          return m;
        }
      }
      throw new IllegalArgumentException("--broker must be in-jvm or process, got '" + label + "'");
    }
  }

  /**
   * The broker: in this JVM, in a process of its own (pinned to {@code cpus}, a {@code taskset}
   * list, when given) or an external one at {@code bootstrapServers}, where each run uses topics and
   * a group of its own.
   */
  public record Broker(BrokerMode mode, String bootstrapServers, String cpus) {
    public Broker {
      Objects.requireNonNull(mode, "mode");
      if (mode == BrokerMode.EXTERNAL && (bootstrapServers == null || bootstrapServers.isBlank())) {
        throw new IllegalArgumentException("an external broker needs --bootstrap-servers");
      }
      if (mode != BrokerMode.EXTERNAL && bootstrapServers != null) {
        throw new IllegalArgumentException(
            "--bootstrap-servers names an external broker; drop --broker " + mode.label());
      }
      if (cpus != null && (mode != BrokerMode.PROCESS || !cpus.matches("[0-9]+([-,][0-9]+)*"))) {
        throw new IllegalArgumentException(
            "--broker-cpus takes a CPU list such as 2-3 or 1,3 and needs --broker process, got '"
                + cpus
                + "' with --broker "
                + mode.label());
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .streams(load.streams())
        .duration(load.duration())
        .warmup(load.warmup())
        .period(load.period())
        .overload(load.overload())
        .ramp(load.ramp())
        .burst(load.burstMultiplier(), load.burstStart(), load.burstLength())
        .segment(segments.length())
        .size(segments.width(), segments.height())
        .fps(segments.fps())
        .pool(segments.pool())
        .payload(segments.payload())
        .parallelism(job.parallelism())
        .partitions(job.partitions())
        .checkpointInterval(job.checkpointInterval())
        .config(job.config())
        .overrides(job.overrides())
        .modelRepository(job.modelRepository())
        .model(job.model())
        .modelSize(job.modelSize())
        .rawDuration(measurement.rawDuration())
        .reportEvery(measurement.reportEvery())
        .gcEvery(measurement.gcEvery())
        .drainTimeout(measurement.drainTimeout())
        .broker(broker.mode(), broker.bootstrapServers(), broker.cpus());
  }

  /** The same run with another number of streams, as a sweep needs. */
  public BenchOptions withStreams(int streams) {
    return toBuilder().streams(streams).build();
  }

  /**
   * The load profile, given the raw ceiling in segments/s: with {@code overload} the period offers
   * that multiple of the ceiling (at least 1 ms), otherwise it is {@code period} or the segment
   * length.
   */
  public LoadProfile loadProfile(double ceilingPerSecond) {
    Duration period = load.period() == null ? segments.length() : load.period();
    if (load.overload() > 0) {
      period =
          Duration.ofNanos(
              Math.max(1_000_000L, Math.round(load.streams() / (load.overload() * ceilingPerSecond) * 1e9)));
    }
    return new LoadProfile(
        load.streams(), period, load.ramp(), load.burstMultiplier(), load.burstStart(), load.burstLength());
  }

  /** Starts from the defaults of {@code bin/moderation bench}; {@link #build()} checks every value. */
  public static final class Builder {
    private int streams = 100;
    private Duration duration = Duration.ofSeconds(60);
    private Duration warmup; // null: a quarter of the duration, at most 10 s
    private Duration period; // null: the segment length
    private double overload;
    private Duration ramp = Duration.ZERO;
    private double burstMultiplier = 1;
    private Duration burstStart = Duration.ZERO;
    private Duration burstLength = Duration.ZERO;
    private Duration segment = Duration.ofSeconds(2);
    private int width = 1280;
    private int height = 720;
    private double fps = 30;
    private int pool = 8;
    private PayloadMode payload = PayloadMode.INLINE;
    private int parallelism = 2;
    private int partitions = 4;
    private Duration checkpointInterval = Duration.ofMillis(250);
    private Path config;
    private Map<String, String> overrides = Map.of();
    private Path modelRepository;
    private String model = DEFAULT_MODEL;
    private int modelSize = 64;
    private Duration rawDuration = Duration.ofSeconds(5);
    private Duration reportEvery = Duration.ofSeconds(5);
    private Duration gcEvery = Duration.ZERO;
    private Duration drainTimeout = Duration.ofMinutes(10);
    private BrokerMode brokerMode = BrokerMode.IN_JVM;
    private String bootstrapServers;
    private String brokerCpus;

    private Builder() {}

    public Builder streams(int streams) {
      this.streams = streams;
      return this;
    }

    public Builder duration(Duration duration) {
      this.duration = duration;
      return this;
    }

    /** Null: a quarter of the duration, at most 10 s. */
    public Builder warmup(Duration warmup) {
      this.warmup = warmup;
      return this;
    }

    /** Null: the segment length. */
    public Builder period(Duration period) {
      this.period = period;
      return this;
    }

    public Builder overload(double overload) {
      this.overload = overload;
      return this;
    }

    public Builder ramp(Duration ramp) {
      this.ramp = ramp;
      return this;
    }

    public Builder burst(double multiplier, Duration start, Duration length) {
      this.burstMultiplier = multiplier;
      this.burstStart = start;
      this.burstLength = length;
      return this;
    }

    public Builder segment(Duration segment) {
      this.segment = segment;
      return this;
    }

    public Builder size(int width, int height) {
      this.width = width;
      this.height = height;
      return this;
    }

    public Builder fps(double fps) {
      this.fps = fps;
      return this;
    }

    public Builder pool(int pool) {
      this.pool = pool;
      return this;
    }

    public Builder payload(PayloadMode payload) {
      this.payload = payload;
      return this;
    }

    public Builder parallelism(int parallelism) {
      this.parallelism = parallelism;
      return this;
    }

    public Builder partitions(int partitions) {
      this.partitions = partitions;
      return this;
    }

    public Builder checkpointInterval(Duration checkpointInterval) {
      this.checkpointInterval = checkpointInterval;
      return this;
    }

    /** Null: no configuration file, the job's defaults. */
    public Builder config(Path config) {
      this.config = config;
      return this;
    }

    public Builder overrides(Map<String, String> overrides) {
      this.overrides = overrides;
      return this;
    }

    /** Null: the bundled models, and {@value #COLOUR_STATS} written by the bench. */
    public Builder modelRepository(Path modelRepository) {
      this.modelRepository = modelRepository;
      return this;
    }

    /** Null: {@code colour-stats}. */
    public Builder model(String model) {
      this.model = model == null ? DEFAULT_MODEL : model;
      return this;
    }

    public Builder modelSize(int modelSize) {
      this.modelSize = modelSize;
      return this;
    }

    public Builder rawDuration(Duration rawDuration) {
      this.rawDuration = rawDuration;
      return this;
    }

    public Builder reportEvery(Duration reportEvery) {
      this.reportEvery = reportEvery;
      return this;
    }

    public Builder gcEvery(Duration gcEvery) {
      this.gcEvery = gcEvery;
      return this;
    }

    public Builder drainTimeout(Duration drainTimeout) {
      this.drainTimeout = drainTimeout;
      return this;
    }

    /** Default: in this JVM; {@code bootstrapServers} only with {@link BrokerMode#EXTERNAL}. */
    public Builder broker(BrokerMode mode, String bootstrapServers, String cpus) {
      this.brokerMode = mode;
      this.bootstrapServers = bootstrapServers;
      this.brokerCpus = cpus;
      return this;
    }

    public BenchOptions build() {
      Objects.requireNonNull(duration, "duration");
      Duration warm = warmup != null ? warmup : min(Duration.ofSeconds(10), duration.dividedBy(4));
      return new BenchOptions(
          new Load(streams, duration, warm, period, overload, ramp, burstMultiplier, burstStart, burstLength),
          new Segments(segment, width, height, fps, pool, payload),
          new Job(parallelism, partitions, checkpointInterval, config, overrides, modelRepository, model, modelSize),
          new Measurement(rawDuration, reportEvery, gcEvery, drainTimeout),
          new Broker(brokerMode, bootstrapServers, brokerCpus));
    }

    private static Duration min(Duration a, Duration b) {
      return a.compareTo(b) <= 0 ? a : b;
    }
  }
}
