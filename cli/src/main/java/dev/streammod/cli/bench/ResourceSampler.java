package dev.streammod.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the process and the consumer group look like now: heap used, heap left after the last
 * collections (the live set, which is what must stay flat), resident set size from {@code
 * /proc/self/status}, and the consumer lag of the job's group on the segments topic (end offsets
 * minus the offsets the job commits at each checkpoint).
 */
public final class ResourceSampler implements AutoCloseable {
  private final Admin admin;
  private final String topic;
  private final String groupId;
  private List<TopicPartition> partitions;

  public ResourceSampler(String bootstrapServers, String topic, String groupId) {
    this(bootstrapServers, java.util.Map.of(), topic, groupId);
  }

  /** The same, with Kafka client settings (security) for the admin client. */
  public ResourceSampler(
      String bootstrapServers, java.util.Map<String, String> clientProperties, String topic, String groupId) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "bench-sampler");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    this.admin = Admin.create(p);
    this.topic = topic;
    this.groupId = groupId;
  }

  /** Heap used now, in bytes. */
  public static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Runs a full collection and returns the heap then in use: the live set, in bytes. Costs a pause
   * (a few hundred ms on a busy 2-core machine), so the benchmark does it only at a few points.
   */
  public static long liveHeapAfterFullGc() {
    System.gc();
    // What the collection left, read from the pools rather than the heap now: other threads resume
    // allocating the moment the pause ends.
    long afterGc = heapAfterGc();
    return afterGc > 0 ? afterGc : heapUsed();
  }

  /** Heap in use right after each heap pool's last collection, in bytes (0 before any GC). */
  public static long heapAfterGc() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        MemoryUsage u = pool.getCollectionUsage();
        if (u != null) {
          sum += u.getUsed();
        }
      }
    }
    return sum;
  }

  /** Resident set size of this process in bytes, or -1 where /proc is missing. */
  public static long rss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Records on the topic not yet committed by the group; -1 when the broker does not answer. */
  public long lag() {
    try {
      if (partitions == null) {
        TopicDescription d =
            admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
        partitions =
            d.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end =
          admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(groupId)
              .partitionsToOffsetAndMetadata()
              .get(5, TimeUnit.SECONDS);
      long lag = 0;
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata c = committed.get(tp);
        lag += end.get(tp).offset() - (c == null ? 0 : c.offset());
      }
      return lag;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return -1;
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
