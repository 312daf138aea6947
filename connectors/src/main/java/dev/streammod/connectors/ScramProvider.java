package dev.streammod.connectors;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.Provider;
import java.security.Security;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.kafka.common.security.scram.ScramLoginModule;
import org.apache.kafka.common.security.scram.internals.ScramSaslClientProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Kafka's SCRAM logins working when several class loaders of this job live in one JVM, as on
 * a Flink cluster, where each submission, and each redeployment of a job onto a TaskManager, gets a
 * class loader of its own that is closed when it ends.
 *
 * <p>Kafka registers its SCRAM client as a JVM-wide security provider the first time a SCRAM login
 * is set up, and never again: every later client in the JVM, whatever its class loader, gets the
 * first one's SCRAM classes. Once that first loader is closed, the SCRAM classes it had not yet
 * loaded cannot be loaded any more, and a later login fails with a {@code ClassNotFoundException}
 * (for instance after a first submission with a wrong password ended before the server's final
 * message). {@link #ensureUsable()} loads every SCRAM class in this loader and makes this loader's
 * provider the registered one, so the registered provider never needs a class it has not loaded.
 * Each Kafka client of the job calls it first (the start-up check, and the serialization schemas
 * of the sources and sinks when a TaskManager deserializes them).
 */
public final class ScramProvider {
  private static final Logger LOG = LoggerFactory.getLogger(ScramProvider.class);
  private static final String PACKAGE = "org/apache/kafka/common/security/scram/";

  private static volatile boolean done;

  private ScramProvider() {}

  /** Idempotent per class loader; never throws (a failure only leaves Kafka's own behaviour). */
  public static void ensureUsable() {
    if (done) {
      return;
    }
    synchronized (ScramProvider.class) {
      if (done) {
        return;
      }
      try {
        int loaded = preload();
        for (Provider registered : Security.getProviders()) {
          if (registered.getClass().getName().equals(ScramSaslClientProvider.class.getName())
              && registered.getClass() != ScramSaslClientProvider.class) {
            Security.removeProvider(registered.getName());
            LOG.debug("replaced the SCRAM client provider of another class loader ({})", registered.getClass().getClassLoader());
          }
        }
        ScramSaslClientProvider.initialize();
        LOG.debug("SCRAM client provider of this class loader registered, {} SCRAM classes loaded", loaded);
      } catch (RuntimeException | LinkageError | IOException | URISyntaxException e) {
        LOG.warn("could not prepare Kafka's SCRAM provider for this class loader: {}", e.toString());
      }
      done = true;
    }
  }

  /** Loads every class of Kafka's SCRAM packages through this class loader; returns how many. */
  private static int preload() throws IOException, URISyntaxException {
    CodeSource source = ScramLoginModule.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return 0;
    }
    Path jar = Path.of(source.getLocation().toURI());
    if (!Files.isRegularFile(jar)) {
      return 0;
    }
    ClassLoader loader = ScramLoginModule.class.getClassLoader();
    int n = 0;
    try (JarFile file = new JarFile(jar.toFile())) {
      Enumeration<JarEntry> entries = file.entries();
      while (entries.hasMoreElements()) {
        String entry = entries.nextElement().getName();
        if (entry.startsWith(PACKAGE) && entry.endsWith(".class")) {
          String className = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
          try {
            Class.forName(className, true, loader);
            n++;
          } catch (ClassNotFoundException | LinkageError e) {
            LOG.debug("SCRAM class {} not loaded: {}", className, e.toString());
          }
        }
      }
    }
    return n;
  }
}
