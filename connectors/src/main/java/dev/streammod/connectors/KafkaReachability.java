package dev.streammod.connectors;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Checks, before a job or tool starts, that Kafka answers at {@code bootstrap.servers} with the
 * given client settings, and fails once with a message that names the address and the cause instead
 * of leaving the clients to log connection warnings forever. First a plain TCP connection to each
 * bootstrap address, retried until the deadline (a broker may still be starting); then one request
 * through an admin client with the client's security settings, whose failures name TLS or
 * authentication when that is what failed.
 */
public final class KafkaReachability {
  private KafkaReachability() {}

  /** Kafka could not be reached, or refused the client, within the start-up timeout. */
  public static final class UnreachableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    UnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * @param bootstrapServers {@code host:port[,host:port...]}
   * @param clientProperties the clients' other settings (security among them); those an admin
   *     client does not know are ignored
   * @param timeout how long to keep trying
   * @param timeoutKey the setting that configures {@code timeout}, named in the message
   * @return the cluster id
   */
  public static String check(
      String bootstrapServers, Map<String, String> clientProperties, Duration timeout, String timeoutKey) {
    ScramProvider.ensureUsable();
    long deadline = System.nanoTime() + timeout.toNanos();
    List<InetSocketAddress> addresses = parse(bootstrapServers);
    IOException last = null;
    boolean connected = false;
    while (!connected) {
      for (InetSocketAddress a : addresses) {
        long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        try (Socket s = new Socket()) {
          s.connect(a, (int) Math.min(leftMs, 5_000));
          connected = true;
          break;
        } catch (java.net.SocketTimeoutException e) {
          // Cut short by the deadline: an earlier refusal says more.
          last = last == null ? e : last;
        } catch (IOException e) {
          last = e;
        }
      }
      if (!connected) {
        if (System.nanoTime() >= deadline) {
          throw new UnreachableException(
              "Kafka is not reachable: no address in bootstrap servers '"
                  + bootstrapServers
                  + "' accepted a connection within "
                  + timeout.toSeconds()
                  + " s ("
                  + timeoutKey
                  + "); last error: "
                  + describe(last),
              last);
        }
        sleep(Math.min(500, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
    }
    Properties props = new Properties();
    clientProperties.forEach(
        (k, v) -> {
          if (AdminClientConfig.configNames().contains(k)) {
            props.setProperty(k, v);
          }
        });
    props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    long leftMs = Math.max(1_000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(leftMs));
    props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(leftMs, 30_000)));
    try (Admin admin = Admin.create(props)) {
      try {
        return admin.describeCluster().clusterId().get(leftMs, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
          throw silent(bootstrapServers, leftMs, timeoutKey, cause);
        }
        throw new UnreachableException(
            "Kafka at '" + bootstrapServers + "'" + refusal(cause) + ": " + rootMessage(cause), cause);
      } catch (TimeoutException e) {
        throw silent(bootstrapServers, leftMs, timeoutKey, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnreachableException("interrupted while checking Kafka at '" + bootstrapServers + "'", e);
      } finally {
        admin.close(Duration.ZERO);
      }
    }
  }

  /** The admin client's own timeout and ours say the same: connected, but no Kafka answer. */
  private static UnreachableException silent(String bootstrapServers, long leftMs, String timeoutKey, Throwable cause) {
    return new UnreachableException(
        "Kafka at '"
            + bootstrapServers
            + "' accepted a connection but did not answer within "
            + Math.max(1, leftMs / 1000)
            + " s ("
            + timeoutKey
            + "); is it a Kafka listener, and do security.protocol and the TLS settings match it?",
        cause);
  }

  private static String refusal(Throwable cause) {
    if (cause instanceof SslAuthenticationException) {
      return ": the TLS handshake failed (is the broker's certificate trusted by kafka.security.truststore,"
          + " and does it name the host in bootstrap servers?)";
    }
    if (cause instanceof SaslAuthenticationException) {
      return " refused the credentials (SASL authentication failed; check kafka.security.username and the"
          + " password in kafka.security.password-file or -env)";
    }
    if (cause instanceof AuthenticationException) {
      return " refused to authenticate the client";
    }
    return " did not answer the cluster description";
  }

  /** The message, with the innermost cause's when it differs (a TLS failure's says which check failed). */
  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t || root.getMessage() == null || String.valueOf(t.getMessage()).contains(root.getMessage())
        ? t.getMessage()
        : t.getMessage() + " (" + root.getMessage() + ")";
  }

  static List<InetSocketAddress> parse(String bootstrapServers) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String part : bootstrapServers.split(",")) {
      String hp = part.trim();
      int colon = hp.lastIndexOf(':');
      if (hp.isEmpty() || colon <= 0 || colon == hp.length() - 1) {
        throw new IllegalArgumentException(
            "bootstrap servers must be host:port[,host:port...], got '" + bootstrapServers + "'");
      }
      String host = hp.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(hp.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bootstrap server '" + hp + "' has no numeric port", e);
      }
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("bootstrap server '" + hp + "' has port " + port + " outside 1-65535");
      }
      out.add(new InetSocketAddress(host, port));
    }
    return out;
  }

  private static String describe(IOException e) {
    return e == null ? "none" : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(Math.max(0, ms));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnreachableException("interrupted while waiting for Kafka", e);
    }
  }
}
