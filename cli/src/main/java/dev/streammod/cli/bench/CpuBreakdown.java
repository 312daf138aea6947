package dev.streammod.cli.bench;

import dev.streammod.models.InferenceEngine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Where this process spent its CPU between two snapshots, by thread group: the pipeline's decode
 * threads and batcher, Flink's task threads and runtime, the in-JVM Kafka broker, the benchmark's
 * own load generator and meter, the JIT compiler and the garbage collector (native threads, read
 * from {@code /proc/self/task} where Linux provides it), and the rest: everything shares the same
 * cores, so this says how much of the machine decoding actually got. A broker in a process of its
 * own is added to the kafka-broker group and the total. The {@link #JOB_GROUPS} are what the job
 * itself spends.
 */
public final class CpuBreakdown {
  public static final String[] GROUPS = {
    "decode",
    "inference",
    "flink-tasks",
    "flink-runtime",
    "kafka-broker",
    "bench-harness",
    "jit",
    "gc",
    "jvm-other"
  };

  /** The groups that are the job's own CPU: all but the broker, the bench's harness and the rest. */
  public static final String[] JOB_GROUPS = {"decode", "inference", "flink-tasks", "flink-runtime", "jit", "gc"};

  /** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on every Linux build seen). */
  private static final double TICKS_PER_SECOND = 100.0;

  private static final Path TASKS = Path.of("/proc/self/task");

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final DoubleSupplier brokerProcessCpu;
  private double startBrokerProcessCpu;
  private Map<Long, Long> startCpu = new HashMap<>();
  private Map<Long, String> names = new HashMap<>();
  private long startProcessCpu;
  private long startWall;
  private Map<String, Long> startNativeTicks = new HashMap<>();

  /** This process only (an in-JVM broker shows in its thread group). */
  public CpuBreakdown() {
    this(() -> 0);
  }

  /**
   * @param brokerProcessCpu CPU seconds so far of a broker in a process of its own; counted as the
   *     kafka-broker group and in the total, so that figures stay comparable wherever it runs
   */
  public CpuBreakdown(DoubleSupplier brokerProcessCpu) {
    this.brokerProcessCpu = brokerProcessCpu;
  }

  /** Starts (or restarts) the window. */
  public void start() {
    startBrokerProcessCpu = brokerProcessCpu.getAsDouble();
    startCpu = cpuByThread();
    startNativeTicks = nativeTicks();
    startProcessCpu = processCpuNanos();
    startWall = System.nanoTime();
  }

  /** CPU seconds per group since {@link #start()}, plus "total" and "wall" seconds. */
  public Map<String, Double> stop() {
    Map<Long, Long> end = cpuByThread();
    Map<String, Double> seconds = new LinkedHashMap<>();
    for (String g : GROUPS) {
      seconds.put(g, 0.0);
    }
    double javaThreads = 0;
    for (Map.Entry<Long, Long> e : end.entrySet()) {
      long delta = e.getValue() - startCpu.getOrDefault(e.getKey(), 0L);
      if (delta <= 0) {
        continue;
      }
      double s = delta / 1e9;
      javaThreads += s;
      seconds.merge(group(names.getOrDefault(e.getKey(), "")), s, Double::sum);
    }
    // JIT compiler threads are hidden from ThreadMXBean and GC threads are not Java threads, so
    // neither is in javaThreads; what neither explains stays "jvm-other".
    double nativeSeconds = 0;
    for (Map.Entry<String, Long> e : nativeTicks().entrySet()) {
      long delta = e.getValue() - startNativeTicks.getOrDefault(e.getKey(), 0L);
      if (delta > 0) {
        double s = delta / TICKS_PER_SECOND;
        nativeSeconds += s;
        seconds.merge(e.getKey(), s, Double::sum);
      }
    }
    double total = (processCpuNanos() - startProcessCpu) / 1e9;
    if (total > javaThreads + nativeSeconds) {
      seconds.merge("jvm-other", total - javaThreads - nativeSeconds, Double::sum);
    }
    double broker = Math.max(0, brokerProcessCpu.getAsDouble() - startBrokerProcessCpu);
    seconds.merge("kafka-broker", broker, Double::sum);
    seconds.put("total", Math.max(total, javaThreads) + broker);
    seconds.put("wall", (System.nanoTime() - startWall) / 1e9);
    return seconds;
  }

  /** Seconds of the {@link #JOB_GROUPS} together. */
  public static double jobSeconds(Map<String, Double> seconds) {
    double sum = 0;
    for (String g : JOB_GROUPS) {
      sum += seconds.getOrDefault(g, 0.0);
    }
    return sum;
  }

  /** "decode 61%, inference 2%, ..." of the total. */
  public static String describe(Map<String, Double> seconds) {
    double total = seconds.getOrDefault("total", 0.0);
    StringBuilder sb = new StringBuilder();
    for (String g : GROUPS) {
      double s = seconds.getOrDefault(g, 0.0);
      sb.append(sb.length() == 0 ? "" : ", ")
          .append(String.format(Locale.ROOT, "%s %.0f%%", g, total <= 0 ? 0 : 100 * s / total));
    }
    double wall = seconds.getOrDefault("wall", 0.0);
    sb.append(
        String.format(
            Locale.ROOT, " of %.1f CPU-s in %.1f s (%.2f cores busy of %d)", total, wall,
            wall <= 0 ? 0 : total / wall, Runtime.getRuntime().availableProcessors()));
    return sb.toString();
  }

  /** "decode 1.82, inference 0.05, ... = 3.70 CPU-ms per segment" over {@code segments}. */
  public static String describePerSegment(Map<String, Double> seconds, double segments) {
    Map<String, Double> ms = msPerSegment(seconds, segments);
    StringBuilder sb = new StringBuilder();
    for (String g : GROUPS) {
      sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f", g, ms.get(g)));
    }
    return sb.append(String.format(Locale.ROOT, " = %.2f CPU-ms per segment", ms.get("total"))).toString();
  }

  /** CPU milliseconds per segment of each group, then "total"; all 0 without segments. */
  static Map<String, Double> msPerSegment(Map<String, Double> seconds, double segments) {
    Map<String, Double> ms = new LinkedHashMap<>();
    for (String g : GROUPS) {
      ms.put(g, segments <= 0 ? 0 : 1000 * seconds.getOrDefault(g, 0.0) / segments);
    }
    double total = seconds.getOrDefault("total", 0.0);
    ms.put("total", segments <= 0 ? 0 : 1000 * total / segments);
    return ms;
  }

  static String group(String name) {
    if (name.startsWith("decode-")) {
      return "decode";
    }
    if (name.startsWith("streammod-batcher")) {
      return "inference";
    }
    if (name.equals("main")
        || name.startsWith("load-generator")
        || name.contains("| bench-")
        || name.startsWith("raw-rate")) {
      return "bench-harness";
    }
    if (name.contains("(") && name.contains("/") && name.contains(")#")
        || name.startsWith("Source Data Fetcher")
        || name.contains("producer-streammod")
        || name.contains("| streammod")) {
      return "flink-tasks";
    }
    if (name.contains("flink")
        || name.contains("Flink")
        || name.contains("pekko")
        || name.startsWith("AsyncOperations")
        || name.startsWith("jobmanager")
        || name.startsWith("channel-state")
        || name.contains("Checkpoint")
        || name.contains("checkpoint")
        || name.startsWith("OutputFlusher")
        || name.startsWith("Time Trigger")
        || name.contains("mini-cluster")) {
      return "flink-runtime";
    }
    if (name.contains("kafka")
        || name.contains("Kafka")
        || name.startsWith("broker-")
        || name.startsWith("controller-")
        || name.contains("raft")
        || name.contains("quorum")
        || name.startsWith("log-")
        || name.startsWith("ExpirationReaper")
        || name.contains("coordinator")
        || name.startsWith("transaction")
        || name.startsWith("data-plane")
        || name.startsWith("LogDirFailureHandler")
        || name.startsWith("ReplicaFetcher")
        || name.startsWith("executor-")) {
      return "kafka-broker";
    }
    return "jvm-other";
  }

  /**
   * Threads that are not Java threads, by their Linux name: "jit" for compiler threads, "gc" for
   * collectors, "inference" for ONNX Runtime's intra-op threads (named after the thread that
   * created their session, {@link InferenceEngine#THREAD_NAME}).
   */
  static String nativeGroup(String comm) {
    if (comm.equals(InferenceEngine.THREAD_NAME)) {
      return "inference";
    }
    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
      return "jit";
    }
    if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Thread")) {
      return "gc";
    }
    return null;
  }

  /** CPU seconds so far of the live native threads of {@code group} (see {@link #nativeGroup}). */
  static double nativeSeconds(String group) {
    return nativeTicks().getOrDefault(group, 0L) / TICKS_PER_SECOND;
  }

  /** Ticks of CPU per native group so far, summed over live threads; empty off Linux. */
  private static Map<String, Long> nativeTicks() {
    Map<String, Long> ticks = new HashMap<>();
    if (!Files.isDirectory(TASKS)) {
      return ticks;
    }
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        try {
          String group = nativeGroup(Files.readString(task.resolve("comm")).strip());
          if (group != null) {
            ticks.merge(group, cpuTicks(Files.readString(task.resolve("stat"))), Long::sum);
          }
        } catch (IOException gone) {
          // The thread ended between listing and reading.
        }
      }
    } catch (IOException e) {
      return ticks;
    }
    return ticks;
  }

  /** utime + stime from a /proc stat line; the name field may hold spaces, so count after ')'. */
  static long cpuTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // f[0] is field 3 (state); utime and stime are fields 14 and 15.
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private Map<Long, Long> cpuByThread() {
    Map<Long, Long> cpu = new HashMap<>();
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long t = threads.getThreadCpuTime(ids[i]);
      if (t >= 0 && infos[i] != null) {
        cpu.put(ids[i], t);
        names.put(ids[i], infos[i].getThreadName());
      }
    }
    return cpu;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }
}
