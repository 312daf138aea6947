package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * How every Kafka client of the job and the tools connects: {@code kafka.security} in the
 * configuration. TLS ({@code SSL}, {@code SASL_SSL}) trusts the broker's certificate through a
 * truststore; SASL ({@code SASL_PLAINTEXT}, {@code SASL_SSL}) logs in with a user name and a
 * password (SCRAM-SHA-512 unless told otherwise).
 *
 * <p>Secrets are never configuration values: a password is named by the file that holds it or the
 * environment variable that does, and read when a client is built ({@link #clientProperties}), on
 * the machine that builds it (for a job on a cluster, the JobManager that runs the job's main). So
 * this record, its {@code toString} and anything that prints the configuration hold paths and
 * variable names only; Kafka's own clients log the resulting settings with the passwords hidden.
 *
 * @param protocol {@code security.protocol}
 * @param saslMechanism {@code sasl.mechanism}: SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN
 * @param username the SASL user
 * @param passwordFile a file holding the SASL password (one trailing line break is ignored)
 * @param passwordEnv an environment variable holding the SASL password
 * @param truststore the truststore file; absent: the JVM's trusted certificate authorities. A PEM
 *     file is read with the password; a PKCS12 or JKS store is opened by each client where it runs
 * @param truststoreType PKCS12, JKS or PEM; absent: PEM for {@code .pem}/{@code .crt}, JKS for
 *     {@code .jks}, PKCS12 otherwise
 * @param truststorePasswordFile a file holding a PKCS12 or JKS truststore's password (none: no
 *     integrity check); PEM has none
 * @param truststorePasswordEnv an environment variable holding it
 * @param hostnameVerification whether the broker's certificate must name the host connected to
 */
public record KafkaSecurity(
    @JsonProperty("protocol") Protocol protocol,
    @JsonProperty("sasl-mechanism") String saslMechanism,
    @JsonProperty("username") String username,
    @JsonProperty("password-file") String passwordFile,
    @JsonProperty("password-env") String passwordEnv,
    @JsonProperty("truststore") String truststore,
    @JsonProperty("truststore-type") String truststoreType,
    @JsonProperty("truststore-password-file") String truststorePasswordFile,
    @JsonProperty("truststore-password-env") String truststorePasswordEnv,
    @JsonProperty("hostname-verification") Boolean hostnameVerification)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Kafka's {@code security.protocol} values. */
  public enum Protocol {
    PLAINTEXT(false, false),
    SSL(true, false),
    SASL_PLAINTEXT(false, true),
    SASL_SSL(true, true);

    final boolean tls;
    final boolean sasl;

    Protocol(boolean tls, boolean sasl) {
      this.tls = tls;
      this.sasl = sasl;
    }

    /** Accepts {@code sasl_ssl}, {@code SASL-SSL} and the like. */
    @JsonCreator
    public static Protocol parse(String value) {
      return Check.oneOf("kafka.security.protocol", value, Protocol.class, null);
    }
  }

  private static final Map<String, String> LOGIN_MODULES =
      Map.of(
          "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule",
          "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
          "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule");

  public KafkaSecurity {
    protocol = protocol == null ? Protocol.PLAINTEXT : protocol;
    hostnameVerification = hostnameVerification == null || hostnameVerification;
    if (protocol.sasl) {
      saslMechanism =
          saslMechanism == null || saslMechanism.isBlank() ? "SCRAM-SHA-512" : saslMechanism.trim().toUpperCase(Locale.ROOT);
      if (!LOGIN_MODULES.containsKey(saslMechanism)) {
        throw new IllegalArgumentException(
            "kafka.security.sasl-mechanism must be one of " + LOGIN_MODULES.keySet().stream().sorted().toList() + ", got '" + saslMechanism + "'");
      }
      if (username == null || username.isBlank()) {
        throw new IllegalArgumentException("kafka.security.username is required with protocol " + protocol);
      }
      oneSource("kafka.security.password", passwordFile, passwordEnv, true, protocol);
    } else {
      String why = "but protocol " + protocol + " does not log in (SASL_SSL or SASL_PLAINTEXT does)";
      refuseIfSet("sasl-mechanism", saslMechanism, why);
      refuseIfSet("username", username, why);
      refuseIfSet("password-file", passwordFile, why);
      refuseIfSet("password-env", passwordEnv, why);
    }
    if (protocol.tls) {
      oneSource("kafka.security.truststore-password", truststorePasswordFile, truststorePasswordEnv, false, protocol);
      if (truststoreType != null) {
        truststoreType = truststoreType.trim().toUpperCase(Locale.ROOT);
        if (!java.util.List.of("PKCS12", "JKS", "PEM").contains(truststoreType)) {
          throw new IllegalArgumentException(
              "kafka.security.truststore-type must be PKCS12, JKS or PEM, got '" + truststoreType + "'");
        }
      }
      if (truststore == null && (truststoreType != null || truststorePasswordFile != null || truststorePasswordEnv != null)) {
        throw new IllegalArgumentException("kafka.security.truststore-type and truststore-password-* need kafka.security.truststore");
      }
      if (truststore != null
          && "PEM".equals(truststoreType != null ? truststoreType : typeOf(truststore))
          && (truststorePasswordFile != null || truststorePasswordEnv != null)) {
        throw new IllegalArgumentException(
            "kafka.security.truststore " + truststore + " is PEM, which has no password: drop truststore-password-*");
      }
    } else {
      String why = "but protocol " + protocol + " does not use TLS (SSL or SASL_SSL does)";
      refuseIfSet("truststore", truststore, why);
      refuseIfSet("truststore-type", truststoreType, why);
      refuseIfSet("truststore-password-file", truststorePasswordFile, why);
      refuseIfSet("truststore-password-env", truststorePasswordEnv, why);
    }
  }

  private static void refuseIfSet(String key, String value, String why) {
    if (value != null) {
      throw new IllegalArgumentException("kafka.security." + key + " is set " + why);
    }
  }

  /** Plaintext, no login: Kafka's default. */
  public static KafkaSecurity plaintext() {
    return new KafkaSecurity(null, null, null, null, null, null, null, null, null, null);
  }

  private static void oneSource(String key, String file, String env, boolean required, Protocol protocol) {
    boolean hasFile = file != null && !file.isBlank();
    boolean hasEnv = env != null && !env.isBlank();
    if (hasFile && hasEnv) {
      throw new IllegalArgumentException("give " + key + "-file or " + key + "-env, not both");
    }
    if (required && !hasFile && !hasEnv) {
      throw new IllegalArgumentException(
          key + "-file or " + key + "-env is required with protocol " + protocol
              + " (passwords are read from a file or an environment variable, never written in the configuration)");
    }
  }

  /** The Kafka client settings, with the passwords read from their files or variables now. */
  public Map<String, String> clientProperties() {
    return clientProperties(System::getenv);
  }

  /** The same with {@code environment} for environment variables. */
  Map<String, String> clientProperties(Function<String, String> environment) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", protocol.name());
    if (protocol.tls) {
      if (truststore != null) {
        putTruststore(p, environment);
      }
      p.put("ssl.endpoint.identification.algorithm", hostnameVerification ? "https" : "");
    }
    if (protocol.sasl) {
      String password = secret("kafka.security.password", passwordFile, passwordEnv, environment);
      p.put("sasl.mechanism", saslMechanism);
      p.put(
          "sasl.jaas.config",
          LOGIN_MODULES.get(saslMechanism)
              + " required username=\"" + jaasQuoted(username) + "\" password=\"" + jaasQuoted(password) + "\";");
    }
    return p;
  }

  /**
   * A PEM truststore travels as its certificates, so that only the machine building the clients
   * needs the file; a PKCS12 or JKS store travels as its location, which every client opens where it
   * runs (on a cluster: every TaskManager, and the JobManager).
   */
  private void putTruststore(Map<String, String> p, Function<String, String> environment) {
    Path store = Path.of(truststore);
    if (!Files.isReadable(store)) {
      throw new IllegalArgumentException(
          "kafka.security.truststore " + truststore + " does not exist or cannot be read" + where());
    }
    String type = truststoreType != null ? truststoreType : typeOf(truststore);
    p.put("ssl.truststore.type", type);
    if (type.equals("PEM")) {
      try {
        p.put("ssl.truststore.certificates", Files.readString(store, StandardCharsets.US_ASCII));
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "kafka.security.truststore " + truststore + " cannot be read: " + e.getMessage() + where(), e);
      }
      return;
    }
    p.put("ssl.truststore.location", store.toAbsolutePath().toString());
    String password =
        secret("kafka.security.truststore-password", truststorePasswordFile, truststorePasswordEnv, environment);
    if (password != null) {
      p.put("ssl.truststore.password", password);
    }
  }

  private static String typeOf(String file) {
    String name = file.toLowerCase(Locale.ROOT);
    if (name.endsWith(".pem") || name.endsWith(".crt")) {
      return "PEM";
    }
    return name.endsWith(".jks") ? "JKS" : "PKCS12";
  }

  /** The secret from its file or variable; null when neither is configured. */
  private static String secret(String key, String file, String env, Function<String, String> environment) {
    if (file != null && !file.isBlank()) {
      Path path = Path.of(file);
      if (!Files.isRegularFile(path)) {
        throw new IllegalArgumentException(key + "-file " + file + " does not exist" + where());
      }
      try {
        String value = Files.readString(path, StandardCharsets.UTF_8);
        value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
            : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
        if (value.isEmpty()) {
          throw new IllegalArgumentException(key + "-file " + file + " is empty");
        }
        return value;
      } catch (IOException e) {
        throw new IllegalArgumentException(key + "-file " + file + " cannot be read: " + e.getMessage() + where(), e);
      }
    }
    if (env != null && !env.isBlank()) {
      String value = environment.apply(env);
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException(key + "-env names " + env + ", which is not set" + where());
      }
      return value;
    }
    return null;
  }

  private static String where() {
    return " (read on the machine that builds the Kafka clients: for a job on a cluster, the JobManager that runs its main)";
  }

  /** A value inside a double-quoted JAAS option: backslashes and quotes escaped. */
  static String jaasQuoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
