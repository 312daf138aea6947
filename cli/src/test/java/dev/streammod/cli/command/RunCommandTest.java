package dev.streammod.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunCommandTest {
  @Test
  void aBrokerThatCannotBeReachedIsNamedOnceAndTheCommandStopsWithAnError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CommandLine cl = ModerationCli.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    long start = System.nanoTime();
    int code =
        cl.execute("run", "--bootstrap-servers", "127.0.0.1:" + port, "--set", "kafka.startup-timeout-ms=2000");
    assertThat(code).isEqualTo(2);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(30);
    String text = err.toString();
    assertThat(text).startsWith("error: Kafka is not reachable").contains("127.0.0.1:" + port).contains("kafka.startup-timeout-ms");
    assertThat(text.lines().count()).as("one line, once").isEqualTo(1);
  }

  @Test
  void theDashboardStopsTheSameWayOnABrokerThatCannotBeReached() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    for (String[] args :
        new String[][] {
          {"dashboard", "--bootstrap-servers", "127.0.0.1:" + port, "--startup-timeout", "2s", "--port", "0"},
        }) {
      CommandLine cl = ModerationCli.commandLine();
      StringWriter err = new StringWriter();
      cl.setErr(new PrintWriter(err));
      assertThat(cl.execute(args)).as(args[0]).isEqualTo(2);
      assertThat(err.toString()).as(args[0]).startsWith("error: Kafka is not reachable").contains("127.0.0.1:" + port);
    }
  }
}
