package dev.streammod.cli.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dashboard can learn about the job besides its stats: the consumer lag of its group on
 * the segments topic (from the offsets the Flink source commits at checkpoints), and, given the
 * Flink REST address, the worst back-pressure level of its running jobs. Polled on a timer; each
 * part reads "unknown" with the reason when it cannot be had.
 */
public final class JobProbe implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobProbe.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);

  /**
   * @param consumerLag records behind on the segments topic; null when unknown
   * @param backpressure ok, low, high or unknown
   */
  public record State(
      Long consumerLag, String lagNote, String backpressure, String backpressureNote, long updatedAtMs) {
    static State initial() {
      return new State(null, "not measured yet", "unknown", "not measured yet", 0);
    }
  }

  private final String groupId;
  private final String segmentsTopic;
  private final URI flinkRest;
  private final Admin admin;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private volatile State state = State.initial();

  /**
   * @param flinkRestUrl e.g. {@code http://jobmanager:8081}; null when back pressure is not wanted
   */
  public JobProbe(
      String bootstrapServers,
      String groupId,
      String segmentsTopic,
      String flinkRestUrl,
      Map<String, String> extraAdminProperties) {
    this.groupId = groupId;
    this.segmentsTopic = segmentsTopic;
    this.flinkRest = flinkRestUrl == null || flinkRestUrl.isBlank() ? null : URI.create(stripSlash(flinkRestUrl));
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "streammod-dashboard-admin");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    if (extraAdminProperties != null) {
      p.putAll(extraAdminProperties);
    }
    this.admin = Admin.create(p);
    this.http = flinkRest == null ? null : HttpClient.newBuilder().connectTimeout(CALL_TIMEOUT).build();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dashboard-job-probe");
              t.setDaemon(true);
              return t;
            });
  }

  public JobProbe start(Duration every) {
    timer.scheduleWithFixedDelay(this::probe, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  public State state() {
    return state;
  }

  void probe() {
    Long lag = null;
    String lagNote;
    try {
      lag = consumerLag();
      lagNote = lag == null ? "group " + groupId + " has no committed offsets on " + segmentsTopic : "group " + groupId;
    } catch (Exception e) {
      lagNote = "unreachable: " + rootMessage(e);
    }
    String bp = "unknown";
    String bpNote;
    if (flinkRest == null) {
      bpNote = "no Flink REST address given (--flink-rest-url)";
    } else {
      try {
        String[] worst = backpressure();
        bp = worst[0];
        bpNote = worst[1];
      } catch (Exception e) {
        bpNote = "Flink REST unreachable: " + rootMessage(e);
      }
    }
    state = new State(lag, lagNote, bp, bpNote, System.currentTimeMillis());
  }

  private Long consumerLag() throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
      if (e.getKey().topic().equals(segmentsTopic) && e.getValue() != null) {
        latest.put(e.getKey(), OffsetSpec.latest());
      }
    }
    if (latest.isEmpty()) {
      return null;
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
    long lag = 0;
    for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
      lag += Math.max(0, e.getValue().offset() - committed.get(e.getKey()).offset());
    }
    return lag;
  }

  /** The worst level over all vertices of all running jobs, and where. */
  private String[] backpressure() throws Exception {
    JsonNode jobs = get("/jobs/overview").path("jobs");
    String worst = "ok";
    String where = "no running job";
    int running = 0;
    for (JsonNode job : jobs) {
      if (!"RUNNING".equals(job.path("state").asText())) {
        continue;
      }
      running++;
      String jid = job.path("jid").asText();
      if (where.equals("no running job")) {
        where = "job " + job.path("name").asText();
      }
      for (JsonNode v : get("/jobs/" + jid).path("vertices")) {
        JsonNode b = get("/jobs/" + jid + "/vertices/" + v.path("id").asText() + "/backpressure");
        String level = b.path("backpressure-level").asText(b.path("backpressureLevel").asText("ok"));
        if (rank(level) > rank(worst)) {
          worst = level.toLowerCase(Locale.ROOT);
          where = v.path("name").asText();
        }
      }
    }
    return running == 0 ? new String[] {"unknown", "no running job"} : new String[] {worst, where};
  }

  private static int rank(String level) {
    return switch (level.toLowerCase(Locale.ROOT)) {
      case "high" -> 2;
      case "low" -> 1;
      default -> 0;
    };
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(flinkRest + path)).timeout(CALL_TIMEOUT).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + r.statusCode());
    }
    return JSON.readTree(r.body());
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admin.close(Duration.ofSeconds(2));
    LOG.debug("job probe closed");
  }
}
