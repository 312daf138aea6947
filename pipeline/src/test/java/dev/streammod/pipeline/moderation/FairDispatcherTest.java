package dev.streammod.pipeline.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FairDispatcherTest {

  /** An executor that runs nothing until the test says so: every step is deterministic. */
  private static final class ManualExecutor implements Executor {
    final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    boolean refuse;

    @Override
    public void execute(Runnable r) {
      if (refuse) {
        throw new RejectedExecutionException("shut down");
      }
      pending.add(r);
    }

    void runNext() {
      pending.poll().run();
    }
  }

  /** A task that records its start and finishes when the test completes its future. */
  private static final class Recorded implements FairDispatcher.Task {
    final String name;
    final List<String> log;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    RejectedExecutionException rejected;

    Recorded(String name, List<String> log) {
      this.name = name;
      this.log = log;
    }

    @Override
    public CompletableFuture<?> run() {
      log.add(name);
      return done;
    }

    @Override
    public void rejected(RejectedExecutionException e) {
      rejected = e;
    }
  }

  @Test
  void aFloodingStreamDoesNotStarveAnother() {
    ManualExecutor exec = new ManualExecutor();
    FairDispatcher d = new FairDispatcher(exec, 1, 2, 100);
    List<String> log = new ArrayList<>();
    List<Recorded> flood = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Recorded t = new Recorded("A" + i, log);
      flood.add(t);
      d.submit("A", t);
    }
    Recorded b = new Recorded("B0", log);
    d.submit("B", b);

    exec.runNext(); // A0 decodes, its inference stays pending
    exec.runNext(); // A1: A was in the round-robin before B, and is under its cap of 2
    exec.runNext(); // A is at its cap: B's turn, not A2's
    assertThat(log).containsExactly("A0", "A1", "B0");
    assertThat(exec.pending).as("A waits for one of its own to finish").isEmpty();
    assertThat(d.waiting()).isEqualTo(48);

    b.done.complete(null);
    assertThat(exec.pending).as("B finishing frees no slot for A").isEmpty();
    flood.get(0).done.complete(null);
    exec.runNext();
    assertThat(log).endsWith("A2");
  }

  @Test
  void streamsTakeTurnsRoundRobin() {
    ManualExecutor exec = new ManualExecutor();
    FairDispatcher d = new FairDispatcher(exec, 1, 10, 100);
    List<String> log = new ArrayList<>();
    for (String s : List.of("A", "A", "A", "B", "B", "C")) {
      Recorded t = new Recorded(s, log);
      t.done.complete(null);
      d.submit(s, t);
    }
    while (!exec.pending.isEmpty()) {
      exec.runNext();
    }
    // The first A starts at once; then streams take one turn each.
    assertThat(log).containsExactly("A", "A", "B", "C", "A", "B");
    assertThat(d.admitted()).isZero();
  }

  @Test
  void floodAndTrickleOnRealThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      FairDispatcher d = new FairDispatcher(pool, 2, 1, 1000);
      List<String> log = new CopyOnWriteArrayList<>();
      CountDownLatch allDone = new CountDownLatch(201);
      for (int i = 0; i < 200; i++) {
        d.submit("flood", sleeping("flood", log, allDone));
      }
      d.submit("trickle", sleeping("trickle", log, allDone));
      assertThat(allDone.await(15, TimeUnit.SECONDS)).isTrue();
      // The floods admitted before the trickle arrived may run first (their number depends on
      // thread scheduling); the trickle must not wait behind the 200 queued floods.
      assertThat(log.indexOf("trickle")).as("trickle ran among the first, not after 200 floods").isLessThan(10);
    } finally {
      pool.shutdownNow();
    }
  }

  private static FairDispatcher.Task sleeping(String name, List<String> log, CountDownLatch done) {
    return new FairDispatcher.Task() {
      @Override
      public CompletableFuture<?> run() {
        log.add(name);
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        done.countDown();
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void rejected(RejectedExecutionException e) {}
    };
  }

  @Test
  void capacityIsEnforced() {
    ManualExecutor exec = new ManualExecutor();
    FairDispatcher d = new FairDispatcher(exec, 1, 1, 3);
    List<String> log = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      d.submit("A", new Recorded("A" + i, log));
    }
    assertThatThrownBy(() -> d.submit("B", new Recorded("B", log)))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("capacity 3");
  }

  @Test
  void refusedByTheExecutorReleasesTheSlotAndTellsTheTask() {
    ManualExecutor exec = new ManualExecutor();
    exec.refuse = true;
    FairDispatcher d = new FairDispatcher(exec, 1, 1, 10);
    Recorded t = new Recorded("A", new ArrayList<>());
    d.submit("A", t);
    assertThat(t.rejected).isNotNull();
    assertThat(d.admitted()).isZero();
  }

  @Test
  void aWaitingTaskCanBeWithdrawnAndNeverRuns() {
    ManualExecutor exec = new ManualExecutor();
    FairDispatcher d = new FairDispatcher(exec, 1, 1, 3);
    List<String> log = new ArrayList<>();
    Recorded a0 = new Recorded("A0", log);
    Recorded a1 = new Recorded("A1", log);
    Recorded b0 = new Recorded("B0", log);
    d.submit("A", a0);
    d.submit("A", a1);
    d.submit("B", b0);
    exec.runNext(); // A0 runs; A1 waits behind A's cap, B0 for its turn

    assertThat(d.withdraw("A", a1)).isTrue();
    assertThat(d.withdraw("A", a0)).as("a task that started finishes as usual").isFalse();
    assertThat(d.admitted()).isEqualTo(2);
    d.submit("C", new Recorded("C0", log)); // the withdrawn task's place is free again

    a0.done.complete(null);
    while (!exec.pending.isEmpty()) {
      exec.runNext();
    }
    assertThat(log).containsExactly("A0", "B0", "C0");
  }

  @Test
  void badLimitsAreRefused() {
    assertThatThrownBy(() -> new FairDispatcher(Runnable::run, 0, 1, 1)).hasMessageContaining("maxRunning");
    assertThatThrownBy(() -> new FairDispatcher(Runnable::run, 1, 0, 1)).hasMessageContaining("maxPerStream");
    assertThatThrownBy(() -> new FairDispatcher(Runnable::run, 1, 1, 0)).hasMessageContaining("capacity");
  }
}
