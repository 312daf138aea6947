package dev.streammod.cli.dashboard;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The ops dashboard in one object: a {@link StatsFeed} filling a {@link StatsStore} from the
 * stream-stats topic, a {@link JobProbe} for lag and back pressure, and the {@link DashboardHttp}
 * server. {@code bin/moderation dashboard} runs one; the demo runs one in-process.
 */
public final class Dashboard implements AutoCloseable {
  private final StatsStore store;
  private final StatsFeed feed;
  private final JobProbe probe;
  private final DashboardHttp http;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Dashboard(StatsStore store, StatsFeed feed, JobProbe probe, DashboardHttp http) {
    this.store = store;
    this.feed = feed;
    this.probe = probe;
    this.http = http;
  }

  public static Dashboard start(DashboardOptions o) {
    StatsStore store = new StatsStore(o.history().toMillis(), System::currentTimeMillis);
    StatsFeed feed = null;
    JobProbe probe = null;
    try {
      feed = new StatsFeed(o.bootstrapServers(), o.statsTopic(), o.history(), store, o.kafkaProperties()).start();
      probe =
          new JobProbe(o.bootstrapServers(), o.groupId(), o.segmentsTopic(), o.flinkRestUrl(), o.kafkaProperties())
              .start(Duration.ofSeconds(2));
      StatsFeed f = feed;
      JobProbe p = probe;
      DashboardHttp http =
          DashboardHttp.start(
              o.http(),
              store,
              () -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("feed", f.state());
                m.put("job", p.state());
                m.put("topic", o.statsTopic());
                return m;
              });
      return new Dashboard(store, feed, probe, http);
    } catch (RuntimeException e) {
      if (probe != null) {
        probe.close();
      }
      if (feed != null) {
        feed.close();
      }
      throw e;
    }
  }

  public String url() {
    return http.url();
  }

  public int port() {
    return http.port();
  }

  public StatsStore store() {
    return store;
  }

  /** Stops serving and reading; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    http.close();
    probe.close();
    feed.close();
  }
}
