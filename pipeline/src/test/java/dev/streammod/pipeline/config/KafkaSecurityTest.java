package dev.streammod.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KafkaSecurityTest {
  @TempDir Path dir;

  private static KafkaSettings load(Map<String, String> keys) {
    return SettingsLoader.load(null, keys).kafka();
  }

  @Test
  void plaintextByDefaultWithNothingButTheProtocol() {
    KafkaSettings k = load(Map.of());
    assertThat(k.security().protocol()).isEqualTo(KafkaSecurity.Protocol.PLAINTEXT);
    assertThat(k.consumerProperties()).containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
  }

  @Test
  void saslSslReadsThePasswordFileWhenClientsAreBuiltAndKafkaParsesItBack() throws Exception {
    Path password = dir.resolve("password");
    String secret = "p\"a\\ss w0rd=;}";
    Files.writeString(password, secret + "\n");
    Path truststore = dir.resolve("ca.p12");
    Files.write(truststore, new byte[] {1});
    String yaml =
        String.join(
            "\n",
            "kafka:",
            "  security:",
            "    protocol: sasl-ssl",
            "    username: moderation",
            "    password-file: " + password,
            "    truststore: " + truststore,
            "  consumer:",
            "    fetch.max.bytes: 1000",
            "");
    KafkaSettings k = SettingsLoader.loadText(yaml, "test", Map.of()).kafka();

    assertThat(k.toString()).doesNotContain("w0rd");
    Map<String, String> c = k.consumerProperties();
    assertThat(c)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("ssl.truststore.location", truststore.toAbsolutePath().toString())
        .containsEntry("ssl.truststore.type", "PKCS12")
        .containsEntry("ssl.endpoint.identification.algorithm", "https")
        .containsEntry("fetch.max.bytes", "1000")
        .doesNotContainKey("ssl.truststore.password");
    // Kafka's own JAAS parser gets the user and the exact password back, quotes and all.
    AppConfigurationEntry entry =
        JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password(c.get("sasl.jaas.config"))))
            .configurationEntries()
            .get(0);
    assertThat(entry.getLoginModuleName()).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
    Map<String, ?> options = entry.getOptions();
    assertThat(options.get("username")).isEqualTo("moderation");
    assertThat(options.get("password")).isEqualTo(secret);
    assertThat(k.producerProperties()).containsEntry("sasl.jaas.config", c.get("sasl.jaas.config"));
    assertThat(k.adminProperties().getProperty("bootstrap.servers")).isEqualTo("localhost:9092");
    assertThat(k.adminProperties().getProperty("security.protocol")).isEqualTo("SASL_SSL");
  }

  @Test
  void kafkaPropertyNamesKeepTheirDotsInOverrides() {
    KafkaSettings k =
        load(Map.of("kafka.producer.transaction.timeout.ms", "30000", "kafka.consumer.fetch.max.bytes", "1000"));
    assertThat(k.producer()).containsExactly(Map.entry("transaction.timeout.ms", "30000"));
    assertThat(k.consumerProperties()).containsEntry("fetch.max.bytes", "1000");
  }

  @Test
  void passwordsComeFromEnvironmentVariables() throws Exception {
    Path jks = dir.resolve("ca.jks");
    KafkaSecurity withStore =
        new KafkaSecurity(
            KafkaSecurity.Protocol.SASL_SSL, "scram-sha-256", "u", null, "KAFKA_PW", jks.toString(), null, null, "TS_PW", false);
    assertThatThrownBy(() -> withStore.clientProperties(Map.of("KAFKA_PW", "x", "TS_PW", "y")::get))
        .hasMessageContaining("kafka.security.truststore " + jks + " does not exist");
    Files.write(jks, new byte[] {1});
    Map<String, String> p = withStore.clientProperties(Map.of("KAFKA_PW", "from-env", "TS_PW", "store-pw")::get);
    assertThat(p)
        .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
        .containsEntry("ssl.truststore.type", "JKS")
        .containsEntry("ssl.truststore.location", jks.toAbsolutePath().toString())
        .containsEntry("ssl.truststore.password", "store-pw")
        .containsEntry("ssl.endpoint.identification.algorithm", "");
    assertThat(p.get("sasl.jaas.config")).contains("password=\"from-env\"");
    assertThatThrownBy(() -> withStore.clientProperties(Map.of("TS_PW", "y")::get))
        .hasMessageContaining("kafka.security.password-env names KAFKA_PW, which is not set");
  }

  @Test
  void aPemTruststoreTravelsAsItsCertificatesAndHasNoPassword() throws Exception {
    Path pem = dir.resolve("ca.pem");
    String certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    Files.writeString(pem, certificate);
    Map<String, String> p =
        new KafkaSecurity(KafkaSecurity.Protocol.SSL, null, null, null, null, pem.toString(), null, null, null, null)
            .clientProperties(Map.<String, String>of()::get);
    assertThat(p)
        .containsEntry("ssl.truststore.type", "PEM")
        .containsEntry("ssl.truststore.certificates", certificate)
        .doesNotContainKeys("ssl.truststore.location", "ssl.truststore.password");
    assertThatThrownBy(
            () -> new KafkaSecurity(KafkaSecurity.Protocol.SSL, null, null, null, null, pem.toString(), null, null, "TS_PW", null))
        .hasMessageContaining("kafka.security.truststore " + pem + " is PEM, which has no password");
  }

  @Test
  void aMissingPasswordFileIsNamed() {
    KafkaSettings k =
        load(
            Map.of(
                "kafka.security.protocol", "SASL_PLAINTEXT",
                "kafka.security.username", "u",
                "kafka.security.password-file", dir.resolve("nope").toString()));
    assertThatThrownBy(k::consumerProperties)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kafka.security.password-file " + dir.resolve("nope") + " does not exist")
        .hasMessageContaining("JobManager");
  }

  @Test
  void inconsistentSettingsAreRefusedWithTheKey() {
    assertThatThrownBy(() -> load(Map.of("kafka.security.protocol", "SASL_SSL", "kafka.security.username", "u")))
        .hasMessageContaining("kafka.security.password-file or kafka.security.password-env is required with protocol SASL_SSL");
    assertThatThrownBy(() -> load(Map.of("kafka.security.protocol", "SASL_SSL", "kafka.security.password-env", "X")))
        .hasMessageContaining("kafka.security.username is required");
    assertThatThrownBy(() -> load(Map.of("kafka.security.username", "u")))
        .hasMessageContaining("kafka.security.username is set but protocol PLAINTEXT does not log in");
    assertThatThrownBy(() -> load(Map.of("kafka.security.protocol", "SASL_PLAINTEXT", "kafka.security.username", "u",
            "kafka.security.password-env", "X", "kafka.security.truststore", "t.p12")))
        .hasMessageContaining("kafka.security.truststore is set but protocol SASL_PLAINTEXT does not use TLS");
    assertThatThrownBy(() -> load(Map.of("kafka.security.protocol", "SSL", "kafka.security.truststore-password-env", "X")))
        .hasMessageContaining("need kafka.security.truststore");
    assertThatThrownBy(() -> load(Map.of("kafka.security.protocol", "TLS")))
        .hasMessageContaining("kafka.security.protocol must be one of [plaintext, ssl, sasl-plaintext, sasl-ssl], got 'TLS'");
    assertThatThrownBy(() -> load(Map.of("kafka.security.protocol", "SASL_SSL", "kafka.security.username", "u",
            "kafka.security.password-env", "X", "kafka.security.sasl-mechanism", "GSSAPI")))
        .hasMessageContaining("kafka.security.sasl-mechanism must be one of [PLAIN, SCRAM-SHA-256, SCRAM-SHA-512], got 'GSSAPI'");
    // A password written in the configuration is not a key at all.
    assertThatThrownBy(() -> load(Map.of("kafka.security.password", "secret")))
        .hasMessageContaining("unknown key 'kafka.security.password'")
        .hasMessageNotContaining("secret\"");
  }
}
