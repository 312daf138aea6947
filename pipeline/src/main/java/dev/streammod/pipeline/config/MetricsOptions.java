package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/**
 * Flink's Prometheus reporter for a job started by this command line on a local MiniCluster
 * ({@code bin/moderation run} without a cluster, {@code demo}). On a Flink cluster the reporter is
 * cluster configuration: see {@code deploy/prometheus/}.
 *
 * @param prometheus expose metrics at {@code http://host:port/metrics}; default false
 * @param prometheusPort a port or a range such as {@code 9249-9259} (each JobManager and TaskManager
 *     in the JVM takes the next free one); default {@code 9249}
 */
public record MetricsOptions(
    @JsonProperty("prometheus") Boolean prometheus,
    @JsonProperty("prometheus-port") String prometheusPort)
    implements Serializable {

  public MetricsOptions {
    prometheus = prometheus != null && prometheus;
    prometheusPort = Check.nonBlank("metrics.prometheus-port", prometheusPort, "9249");
    if (!prometheusPort.matches("\\d{1,5}(-\\d{1,5})?")) {
      throw new IllegalArgumentException(
          "metrics.prometheus-port must be a port or a range like 9249-9259, got '" + prometheusPort + "'");
    }
    for (String part : prometheusPort.split("-")) {
      int p = Integer.parseInt(part);
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException(
            "metrics.prometheus-port must be within 1-65535, got '" + prometheusPort + "'");
      }
    }
  }

  public static MetricsOptions defaults() {
    return new MetricsOptions(null, null);
  }
}
