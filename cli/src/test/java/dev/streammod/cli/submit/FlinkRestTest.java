package dev.streammod.cli.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FlinkRestTest {
  @TempDir Path dir;

  @Test
  void theMainsOwnMessageIsTakenFromFlinksStackTrace() {
    String error =
        "org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\n"
            + "\tat org.apache.flink...\n"
            + "Caused by: org.apache.flink.client.program.ProgramInvocationException: The main method caused an error: invalid configuration (--config-yaml) at 'job.parallelism': not an Integer\n"
            + "\tat org.apache.flink...\n"
            + "Caused by: java.lang.IllegalArgumentException: invalid configuration\n"
            + "Caused by: com.fasterxml.jackson.databind.exc.InvalidFormatException: Cannot deserialize\n";
    assertThat(FlinkRest.causeOf(error))
        .isEqualTo("invalid configuration (--config-yaml) at 'job.parallelism': not an Integer");
    assertThat(FlinkRest.causeOf("java.lang.RuntimeException: outer\nCaused by: java.io.IOException: inner"))
        .isEqualTo("java.io.IOException: inner");
  }

  @Test
  void anUnreachableClusterIsNamed() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    FlinkRest rest = new FlinkRest("http://127.0.0.1:" + port);
    assertThatThrownBy(rest::overview)
        .isInstanceOf(FlinkRestException.class)
        .hasMessageContaining("cannot reach the Flink REST API at http://127.0.0.1:" + port)
        .hasMessageContaining("connection refused");
  }

  @Test
  void aFileThatIsNotAJarIsRefusedBeforeUpload() throws IOException {
    Path notJar = Files.writeString(dir.resolve("moderation-job.jar"), "not a zip");
    FlinkRest rest = new FlinkRest("http://127.0.0.1:1");
    assertThatThrownBy(() -> rest.upload(notJar))
        .isInstanceOf(FlinkRestException.class)
        .hasMessageContaining("is not a jar");
    assertThatThrownBy(() -> rest.upload(dir.resolve("missing.jar")))
        .isInstanceOf(FlinkRestException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void aRestUrlMustBeHttp() {
    assertThatThrownBy(() -> new FlinkRest("localhost:8081"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http(s)");
  }
}
