package dev.streammod.cli.dashboard;

import dev.streammod.connectors.Topics;
import java.time.Duration;
import java.util.Map;

/**
 * What the dashboard reads and where it listens.
 *
 * @param groupId the job's consumer group, for its lag on {@code segmentsTopic}
 * @param flinkRestUrl Flink REST address for back pressure; null for none
 * @param kafkaProperties extra Kafka client settings (security), for the consumer and the admin
 */
public record DashboardOptions(
    String bootstrapServers,
    String statsTopic,
    String segmentsTopic,
    String groupId,
    DashboardHttp.Options http,
    Duration history,
    String flinkRestUrl,
    Map<String, String> kafkaProperties) {

  public DashboardOptions {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap servers must not be empty");
    }
    statsTopic = statsTopic == null || statsTopic.isBlank() ? Topics.STREAM_STATS : statsTopic;
    segmentsTopic = segmentsTopic == null || segmentsTopic.isBlank() ? Topics.SEGMENTS : segmentsTopic;
    groupId = groupId == null || groupId.isBlank() ? "streammod" : groupId;
    http = http == null ? new DashboardHttp.Options(null, 0, null) : http;
    history = history == null ? Duration.ofMinutes(5) : history;
    if (history.isNegative() || history.isZero()) {
      throw new IllegalArgumentException("history must be > 0, got " + history);
    }
    kafkaProperties = kafkaProperties == null ? Map.of() : Map.copyOf(kafkaProperties);
  }

  /** Defaults for everything but the broker. */
  public static DashboardOptions forBroker(String bootstrapServers) {
    return new DashboardOptions(bootstrapServers, null, null, null, null, null, null, null);
  }

  public DashboardOptions withHttp(DashboardHttp.Options newHttp) {
    return new DashboardOptions(
        bootstrapServers, statsTopic, segmentsTopic, groupId, newHttp, history, flinkRestUrl, kafkaProperties);
  }

  public DashboardOptions withTopic(String topic) {
    return new DashboardOptions(
        bootstrapServers, topic, segmentsTopic, groupId, http, history, flinkRestUrl, kafkaProperties);
  }

  public DashboardOptions withFlinkRestUrl(String url) {
    return new DashboardOptions(
        bootstrapServers, statsTopic, segmentsTopic, groupId, http, history, url, kafkaProperties);
  }
}
