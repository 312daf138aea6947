package dev.streammod.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.security.scram.ScramLoginModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Two class loaders of the job in one JVM, as two submissions to one Flink JobManager: the first
 * registers Kafka's SCRAM provider and is closed; a login through the second must not need a class
 * the closed one never loaded.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScramProviderTest {
  private static final String PROVIDER = "org.apache.kafka.common.security.scram.internals.ScramSaslClientProvider";
  private static final String SERVER_FINAL = "org.apache.kafka.common.security.scram.internals.ScramMessages$ServerFinalMessage";

  /** A loader of its own for Kafka, slf4j and this module, as Flink's child-first user-code loader. */
  private static URLClassLoader jobLoader() {
    URL[] urls =
        Arrays.stream(new Class<?>[] {ScramLoginModule.class, LoggerFactory.class, ScramProvider.class})
            .map(c -> c.getProtectionDomain().getCodeSource().getLocation())
            .toArray(URL[]::new);
    return new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
  }

  private static Provider registered() {
    return Arrays.stream(Security.getProviders()).filter(p -> p.getClass().getName().equals(PROVIDER)).findFirst().orElse(null);
  }

  @Test
  void theRegisteredScramProviderNeedsNoClassAfterItsLoaderIsClosed() throws Exception {
    Provider before = registered();
    if (before != null) {
      Security.removeProvider(before.getName());
    }
    try {
      // A first submission that set up a SCRAM login and ended (a wrong password, say).
      URLClassLoader first = jobLoader();
      Class.forName(ScramLoginModule.class.getName(), true, first);
      assertThat(registered().getClass().getClassLoader()).isSameAs(first);
      first.close();
      // Kafka alone leaves that provider registered, unable to load what it had not loaded yet.
      assertThatThrownBy(() -> Class.forName(SERVER_FINAL, false, first)).isInstanceOf(ClassNotFoundException.class);

      // The next submission prepares its own provider before its first client.
      URLClassLoader second = jobLoader();
      Class.forName(ScramProvider.class.getName(), true, second).getMethod("ensureUsable").invoke(null);
      Provider now = registered();
      assertThat(now.getClass().getClassLoader()).isSameAs(second);
      assertThat(Arrays.stream(Security.getProviders()).filter(p -> p.getClass().getName().equals(PROVIDER))).hasSize(1);
      second.close();
      // Everything a SCRAM exchange needs was loaded before the close.
      assertThat(Class.forName(SERVER_FINAL, false, second).getClassLoader()).isSameAs(second);
      assertThat(
              javax.security.sasl.Sasl.createSaslClient(
                  new String[] {"SCRAM-SHA-512"}, null, "kafka", "localhost", java.util.Map.of(), callbacks -> {}))
          .isNotNull()
          .extracting(c -> c.getClass().getClassLoader())
          .isSameAs(second);
    } finally {
      Provider left = registered();
      if (left != null) {
        Security.removeProvider(left.getName());
      }
      if (before != null) {
        Security.addProvider(before);
      }
    }
  }
}
