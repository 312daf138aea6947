package dev.streammod.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KafkaReachabilityTest {
  @Test
  void aPortNothingListensOnIsNamedOnceWithTheSettingThatBoundsTheWait() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    long start = System.nanoTime();
    assertThatThrownBy(
            () -> KafkaReachability.check("127.0.0.1:" + port, Map.of(), Duration.ofSeconds(2), "kafka.startup-timeout-ms"))
        .isInstanceOf(KafkaReachability.UnreachableException.class)
        .hasMessageContaining("'127.0.0.1:" + port + "'")
        .hasMessageContaining("within 2 s (kafka.startup-timeout-ms)")
        .hasMessageContaining("Connection refused");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(1_900L, 10_000L);
  }

  @Test
  void aListenerThatIsNotKafkaIsToldApartFromOneThatIsNotThere() throws Exception {
    List<Socket> accepted = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0)) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept()); // holds connections open and never answers
                  }
                } catch (Exception e) {
                  // closed
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      assertThatThrownBy(
              () ->
                  KafkaReachability.check(
                      "127.0.0.1:" + silent.getLocalPort(), Map.of("unknown.setting", "x"), Duration.ofSeconds(3), "t"))
          .isInstanceOf(KafkaReachability.UnreachableException.class)
          .hasMessageContaining("accepted a connection but did not answer")
          .hasMessageContaining("security.protocol");
    } finally {
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  void badAddressesAreRefusedBeforeAnyConnection() {
    assertThatThrownBy(() -> KafkaReachability.check("localhost", Map.of(), Duration.ofSeconds(1), "t"))
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> KafkaReachability.check("localhost:99999", Map.of(), Duration.ofSeconds(1), "t"))
        .hasMessageContaining("outside 1-65535");
    assertThat(KafkaReachability.parse("a:1, [::1]:2")).hasSize(2);
  }
}
