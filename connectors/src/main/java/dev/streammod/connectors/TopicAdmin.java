package dev.streammod.connectors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics a job needs, leaving existing ones as they are. */
public final class TopicAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

  /** How long to wait for the cluster to answer each step. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private TopicAdmin() {}

  /** See {@link #ensureTopics(Properties, List, Duration)}; plaintext, no extra admin settings. */
  public static void ensureTopics(String bootstrapServers, List<TopicSpec> specs) {
    Properties props = new Properties();
    props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    ensureTopics(props, specs, DEFAULT_TIMEOUT);
  }

  /**
   * Creates each topic in {@code specs} that does not exist yet. Idempotent: an existing topic is
   * left alone, whatever its settings (a WARN is logged when it has fewer partitions than asked
   * for), and a topic created concurrently by someone else counts as existing.
   *
   * @param adminProperties Kafka admin client settings; must contain {@code bootstrap.servers}
   *     (security settings go here too)
   * @throws IllegalArgumentException when two specs share a name
   * @throws IllegalStateException naming the topic and the broker's reason when creation fails, or
   *     naming the bootstrap servers when the cluster cannot be reached in time
   */
  public static void ensureTopics(
      Properties adminProperties, List<TopicSpec> specs, Duration timeout) {
    String bootstrap = adminProperties.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("adminProperties must contain bootstrap.servers");
    }
    Map<String, TopicSpec> byName = new LinkedHashMap<>();
    for (TopicSpec spec : specs) {
      if (byName.put(spec.name(), spec) != null) {
        throw new IllegalArgumentException("Topic '" + spec.name() + "' is listed twice");
      }
    }
    if (byName.isEmpty()) {
      return;
    }
    Properties props = new Properties();
    props.putAll(adminProperties);
    int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));
    props.putIfAbsent(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(Math.min(timeoutMs, 30_000)));

    try (Admin admin = Admin.create(props)) {
      Set<String> existing =
          await(
              admin.listTopics(new ListTopicsOptions().listInternal(false)).names(),
              timeout,
              "list the topics on " + bootstrap + " (is Kafka running there?)");
      warnAboutExisting(admin, byName, existing, timeout);

      List<NewTopic> toCreate = new ArrayList<>();
      for (TopicSpec spec : byName.values()) {
        if (!existing.contains(spec.name())) {
          toCreate.add(newTopic(spec));
        }
      }
      if (toCreate.isEmpty()) {
        return;
      }
      CreateTopicsResult result = admin.createTopics(toCreate);
      for (NewTopic topic : toCreate) {
        TopicSpec spec = byName.get(topic.name());
        try {
          result.values().get(topic.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          LOG.info(
              "Created topic {} ({} partitions, replication {}, configs {})",
              spec.name(),
              spec.partitions(),
              spec.replicationFactor() == TopicSpec.BROKER_DEFAULT_REPLICATION
                  ? "broker default"
                  : spec.replicationFactor(),
              spec.configs());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof TopicExistsException) {
            LOG.info("Topic {} was created concurrently; leaving it as it is", spec.name());
            continue;
          }
          throw new IllegalStateException(
              "Could not create topic '"
                  + spec.name()
                  + "' "
                  + describe(spec)
                  + " on "
                  + bootstrap
                  + ": "
                  + e.getCause(),
              e.getCause());
        } catch (TimeoutException e) {
          throw new IllegalStateException(
              "Timed out after "
                  + timeout
                  + " creating topic '"
                  + spec.name()
                  + "' on "
                  + bootstrap,
              e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted creating topic '" + spec.name() + "'", e);
        }
      }
    }
  }

  private static void warnAboutExisting(
      Admin admin, Map<String, TopicSpec> byName, Set<String> existing, Duration timeout) {
    Set<String> present = new HashSet<>(byName.keySet());
    present.retainAll(existing);
    if (present.isEmpty()) {
      return;
    }
    try {
      Map<String, TopicDescription> descriptions =
          admin
              .describeTopics(present)
              .allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      for (TopicDescription d : descriptions.values()) {
        int wanted = byName.get(d.name()).partitions();
        if (d.partitions().size() < wanted) {
          LOG.warn(
              "Topic {} already exists with {} partitions, fewer than the {} asked for; leaving it"
                  + " as it is",
              d.name(),
              d.partitions().size(),
              wanted);
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("Could not describe existing topics {}: {}", present, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted describing topics " + present, e);
    }
  }

  private static NewTopic newTopic(TopicSpec spec) {
    Optional<Short> replication =
        spec.replicationFactor() == TopicSpec.BROKER_DEFAULT_REPLICATION
            ? Optional.empty()
            : Optional.of(spec.replicationFactor());
    return new NewTopic(spec.name(), Optional.of(spec.partitions()), replication)
        .configs(spec.configs());
  }

  private static String describe(TopicSpec spec) {
    return "("
        + spec.partitions()
        + " partitions, replication "
        + (spec.replicationFactor() == TopicSpec.BROKER_DEFAULT_REPLICATION
            ? "broker default"
            : spec.replicationFactor())
        + ", configs "
        + spec.configs()
        + ")";
  }

  private static <V> V await(
      org.apache.kafka.common.KafkaFuture<V> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Could not " + what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("Timed out after " + timeout + " trying to " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted trying to " + what, e);
    }
  }
}
