package dev.streammod.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Validates the manifests of this folder offline: {@code flinkdeployment.yaml} against the
 * FlinkDeployment CRD schema the operator publishes (served version {@code v1beta1}), the job
 * configuration in {@code configmap.yaml} against the keys of {@code deploy/config/moderation.yaml},
 * and the Dockerfile, Secret and Prometheus files against what the manifest expects of them.
 *
 * <p>The one departure from the published schema: operator-api 1.10.0, the newest here, lists only
 * {@code v1_13..v1_20} for {@code spec.flinkVersion}; Flink 2.3 needs {@code v2_3}, which operator
 * 1.15.0 introduced. That single enum is widened by {@code v2_3}, and {@link
 * #onlyFlinkVersionFailsThePublishedSchema()} shows it is the only field the published schema
 * rejects.
 */
@Timeout(60)
class FlinkDeploymentManifestTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String CRD = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";
  private static final String SERVED_VERSION = "v1beta1";
  /** What a Flink-2.3-capable operator (1.15.0 and newer) accepts in spec.flinkVersion. */
  private static final String FLINK_2_3 = "v2_3";

  private static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();

  private static ObjectNode publishedSchema;
  private static CrdSchema published;
  private static CrdSchema widened;
  private static ObjectNode manifest;

  @BeforeAll
  static void loadSchema() {
    publishedSchema = servedSchema(readCrd(), SERVED_VERSION);
    published = new CrdSchema(publishedSchema);
    ObjectNode schema = publishedSchema.deepCopy();
    // What every resource has besides the CRD's own fields (the API server validates metadata).
    ObjectNode root = (ObjectNode) schema.get("properties");
    root.putObject("apiVersion").put("type", "string");
    root.putObject("kind").put("type", "string");
    root.putObject("metadata").put("type", "object");
    rejectUnknownFields(schema);
    ArrayNode flinkVersions = (ArrayNode) schema.at("/properties/spec/properties/flinkVersion/enum");
    if (!contains(flinkVersions, FLINK_2_3)) {
      flinkVersions.add(FLINK_2_3);
      System.out.println(
          "FlinkDeployment schema of "
              + CRD
              + ": spec.flinkVersion enum widened by "
              + FLINK_2_3
              + " (the published enum is "
              + publishedSchema.at("/properties/spec/properties/flinkVersion/enum")
              + "; Flink 2.3 needs operator 1.15.0+, whose FlinkVersion has v2_3)."
              + " Every other field is checked against the published schema, unknown fields"
              + " rejected as kubectl's strict field validation does.");
    }
    widened = new CrdSchema(schema);
    manifest = (ObjectNode) readYaml(MODULE.resolve("flinkdeployment.yaml"));
  }

  // ---------------------------------------------------------------- the FlinkDeployment schema

  @Test
  void manifestIsValidAgainstTheCrdSchema() {
    assertThat(manifest.path("apiVersion").asText())
        .isEqualTo("flink.apache.org/" + SERVED_VERSION);
    assertThat(manifest.path("kind").asText()).isEqualTo("FlinkDeployment");
    assertThat(widened.validate(manifest)).isEmpty();
  }

  @Test
  void onlyFlinkVersionFailsThePublishedSchema() {
    // The widening above is for v2_3 alone: were it in the published enum, drop it.
    assertThat(publishedSchema.at("/properties/spec/properties/flinkVersion/enum"))
        .as("operator-api's flinkVersion enum now lists %s: stop widening it", FLINK_2_3)
        .noneMatch(v -> v.asText().equals(FLINK_2_3));
    assertThat(manifest.at("/spec/flinkVersion").asText()).isEqualTo(FLINK_2_3);

    List<Violation> violations = published.validate(manifest);

    assertThat(violations)
        .singleElement()
        .satisfies(v -> assertThat(v.location()).isEqualTo("/spec/flinkVersion"))
        .satisfies(v -> assertThat(v.keyword()).isEqualTo("enum"));
  }

  static Stream<Arguments> brokenManifests() {
    return Stream.of(
        arguments(
            "upgradeMode: sometimes",
            edit(m -> job(m).put("upgradeMode", "sometimes")),
            "/spec/job/upgradeMode",
            "enum"),
        arguments(
            "job.parallelism: \"two\"",
            edit(m -> job(m).put("parallelism", "two")),
            "/spec/job/parallelism",
            "type"),
        arguments(
            "an unknown flinkVersion",
            edit(m -> spec(m).put("flinkVersion", "v2_99")),
            "/spec/flinkVersion",
            "enum"),
        arguments(
            "job.state: started",
            edit(m -> job(m).put("state", "started")),
            "/spec/job/state",
            "enum"),
        arguments(
            "job.args as one string",
            edit(m -> job(m).put("args", "--config /opt/streammod/config/moderation.yaml")),
            "/spec/job/args",
            "type"),
        arguments(
            "taskManager cpu: \"two\"",
            edit(m -> object(m, "/spec/taskManager/resource").put("cpu", "two")),
            "/spec/taskManager/resource/cpu",
            "type"),
        arguments(
            "a flinkConfiguration value that is not a string",
            edit(m -> object(m, "/spec/flinkConfiguration").put("metrics.reporter.prom.port", 9249)),
            "/spec/flinkConfiguration/metrics.reporter.prom.port",
            "type"),
        arguments(
            "containerPort: \"80\"",
            edit(m -> object(m, "/spec/podTemplate/spec/containers/0/ports/0").put("containerPort", "80")),
            "/spec/podTemplate/spec/containers/0/ports/0/containerPort",
            "type"),
        arguments(
            "a misspelt field (upgradeMod)",
            edit(m -> job(m).set("upgradeMod", job(m).remove("upgradeMode"))),
            "/spec/job",
            "additionalProperties"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenManifests")
  void theSchemaReportsABrokenField(
      String what, Consumer<ObjectNode> breakIt, String location, String keyword) {
    ObjectNode broken = manifest.deepCopy();
    breakIt.accept(broken);

    List<Violation> violations = widened.validate(broken);

    assertThat(violations)
        .as("violations of a manifest with %s", what)
        .anySatisfy(
            v -> {
              assertThat(v.location()).isEqualTo(location);
              assertThat(v.keyword()).isEqualTo(keyword);
            });
  }

  @Test
  void operatorRulesTheSchemaCannotExpressHold() {
    // Fabric8's generated CRD marks no field of spec as required; the operator's DefaultValidator
    // (validateJobSpec) refuses, at reconcile time, what the schema lets through.
    assertThat(requiredLists(publishedSchema.at("/properties/spec"), "spec")).isEmpty();
    assertThat(operatorRuleViolations(manifest)).isEmpty();

    ObjectNode noSavepointDir = manifest.deepCopy();
    object(noSavepointDir, "/spec/flinkConfiguration").remove("execution.checkpointing.savepoint-dir");
    assertThat(operatorRuleViolations(noSavepointDir))
        .containsExactly("upgradeMode savepoint needs execution.checkpointing.savepoint-dir");

    ObjectNode noCheckpointDir = manifest.deepCopy();
    object(noCheckpointDir, "/spec/flinkConfiguration").remove("execution.checkpointing.dir");
    assertThat(operatorRuleViolations(noCheckpointDir))
        .containsExactly("upgradeMode savepoint needs execution.checkpointing.dir");

    ObjectNode noParallelism = manifest.deepCopy();
    job(noParallelism).put("parallelism", 0);
    assertThat(widened.validate(noParallelism)).as("the schema has no minimum").isEmpty();
    assertThat(operatorRuleViolations(noParallelism))
        .containsExactly("job.parallelism must be at least 1 without taskManager.replicas");
  }

  // ------------------------------------------------------------ the job configuration (ConfigMap)

  @Test
  void configMapHoldsAJobConfigurationWithKnownKeysOnly() {
    JsonNode configMap = readYaml(MODULE.resolve("configmap.yaml"));
    assertThat(configMap.path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(configMap.at("/metadata/name").asText()).isEqualTo("streammod-config");

    JsonNode config = jobConfig(configMap);

    assertThat(config.isObject()).as("moderation.yaml is a YAML mapping").isTrue();
    assertThat(unknownKeys(config, referenceConfig(), "")).isEmpty();
    assertThat(config.at("/model/name").asText()).isEqualTo("nsfw-mobilenet-v2");
    assertThat(config.at("/kafka/bootstrap-servers").asText()).contains(".svc");
  }

  @Test
  void theKeyCheckReportsKeysTheReferenceLacks() {
    ObjectNode config = (ObjectNode) jobConfig(readYaml(MODULE.resolve("configmap.yaml")));
    ((ObjectNode) config.get("kafka")).put("bootstrap-server", "typo:9092");
    ((ObjectNode) config.get("kafka").get("consumer")).put("security.protocol", "SASL_SSL");
    config.putObject("checkpoint").put("interval-ms", 1000);
    config
        .putObject("policy")
        .putArray("rules")
        .addObject()
        .put("name", "r")
        .put("treshold", 0.5);

    assertThat(unknownKeys(config, referenceConfig(), ""))
        .containsExactlyInAnyOrder(
            "kafka.bootstrap-server", "checkpoint", "policy.rules[0].treshold");
  }

  // ------------------------------------------------------------------ the files fit together

  @Test
  void jobArgumentsNameTheMountedConfigMap() {
    JsonNode args = manifest.at("/spec/job/args");
    assertThat(args.size()).isEqualTo(2);
    assertThat(args.get(0).asText()).isEqualTo("--config");
    Path configFile = Path.of(args.get(1).asText());

    String volume = volumeNamed(v -> v.at("/configMap/name").asText().equals("streammod-config"));
    assertThat(Path.of(mountPathOf(volume))).isEqualTo(configFile.getParent());
    JsonNode data = readYaml(MODULE.resolve("configmap.yaml")).path("data");
    assertThat(data.has(configFile.getFileName().toString()))
        .as("configmap.yaml has a key %s", configFile.getFileName())
        .isTrue();
    assertThat(manifest.at("/spec/job/entryClass").asText())
        .isEqualTo("dev.streammod.pipeline.ModerationJobMain");
  }

  @Test
  void parallelismAndCheckpointIntervalAgreeWithTheJobConfiguration() {
    // The job sets both from its configuration (ModerationJob.build), over the cluster's values.
    JsonNode config = jobConfig(readYaml(MODULE.resolve("configmap.yaml")));
    assertThat(config.at("/job/parallelism").asInt())
        .isEqualTo(manifest.at("/spec/job/parallelism").asInt());
    assertThat(durationMillis(flinkConfiguration("execution.checkpointing.interval")))
        .isEqualTo(config.at("/job/checkpoint-interval-ms").asLong());
  }

  @Test
  void stateDirectoriesLieOnTheMountedVolume() {
    String volume = volumeNamed(v -> v.has("persistentVolumeClaim"));
    Path mount = Path.of(mountPathOf(volume));
    List<String> keys =
        List.of(
            "execution.checkpointing.dir",
            "execution.checkpointing.savepoint-dir",
            "high-availability.storageDir");
    for (String key : keys) {
      String uri = flinkConfiguration(key);
      assertThat(uri).as(key).startsWith("file:///");
      assertThat(Path.of(uri.substring("file://".length()))).as(key).startsWithRaw(mount);
    }
  }

  @Test
  void prometheusReporterIsOnAndItsPortDeclared() {
    JsonNode clusterSettings = readYaml(MODULE.resolve("../prometheus/flink-metrics.yaml"));
    for (Map.Entry<String, JsonNode> setting : iterable(clusterSettings.fields())) {
      assertThat(flinkConfiguration(setting.getKey()))
          .as(setting.getKey())
          .isEqualTo(setting.getValue().asText());
    }

    assertThat(manifest.at("/spec/podTemplate/spec/containers/0/name").asText())
        .isEqualTo("flink-main-container");
    JsonNode port =
        stream(manifest.at("/spec/podTemplate/spec/containers/0/ports"))
            .filter(p -> p.path("name").asText().equals("metrics"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no container port named metrics"));
    assertThat(port.path("containerPort").asInt())
        .isEqualTo(Integer.parseInt(flinkConfiguration("metrics.reporter.prom.port")));

    // deploy/prometheus/prometheus.yml keeps the pods that declare the reporter's port.
    JsonNode scrapeJobs =
        readYaml(MODULE.resolve("../prometheus/prometheus.yml")).path("scrape_configs");
    JsonNode k8sJob =
        stream(scrapeJobs)
            .filter(j -> j.path("job_name").asText().equals("streammod-flink-k8s"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("prometheus.yml has no job streammod-flink-k8s"));
    JsonNode keepPort =
        stream(k8sJob.path("relabel_configs"))
            .filter(r -> contains(r.path("source_labels"), "__meta_kubernetes_pod_container_port_number"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("streammod-flink-k8s does not select by port"));
    assertThat(String.valueOf(port.path("containerPort").asInt()))
        .matches(keepPort.path("regex").asText());
  }

  @Test
  void kafkaSecretIsTheOneTheExampleDefines() throws IOException {
    String volume = volumeNamed(v -> v.has("secret"));
    JsonNode secretVolume =
        stream(manifest.at("/spec/podTemplate/spec/volumes"))
            .filter(v -> v.path("name").asText().equals(volume))
            .findFirst()
            .orElseThrow();
    JsonNode example = readYaml(MODULE.resolve("secret.example.yaml"));
    assertThat(example.path("kind").asText()).isEqualTo("Secret");
    assertThat(secretVolume.at("/secret/secretName").asText())
        .isEqualTo(example.at("/metadata/name").asText());
    assertThat(example.path("stringData").has("password")).isTrue();
    assertThat(mountPathOf(volume)).isNotBlank();
    // The configuration's password-file is the Secret's key under the mount path.
    assertThat(Files.readString(MODULE.resolve("configmap.yaml")))
        .contains("password-file: " + mountPathOf(volume).replaceAll("/$", "") + "/password");
  }

  @Test
  void dockerfileStartsFromFlink23OnJava17AndCopiesTheJarToJarUri() throws IOException {
    List<String[]> instructions = dockerInstructions(MODULE.resolve("Dockerfile"));
    List<String[]> froms = instructions.stream().filter(i -> i[0].equals("FROM")).toList();
    assertThat(froms)
        .singleElement()
        .satisfies(f -> assertThat(f[1]).isEqualTo("flink:2.3-java17"));
    assertThat(manifest.at("/spec/flinkVersion").asText())
        .as("flinkVersion matches the base image's Flink version")
        .isEqualTo("v" + froms.get(0)[1].replaceAll("^flink:(\\d+)\\.(\\d+)-.*$", "$1_$2"));

    String jarUri = manifest.at("/spec/job/jarURI").asText();
    assertThat(jarUri).startsWith("local://");
    List<String> copyTargets = instructions.stream()
        .filter(i -> i[0].equals("COPY") || i[0].equals("ADD"))
        .map(i -> i[i.length - 1])
        .toList();
    assertThat(copyTargets).containsExactly(jarUri.substring("local://".length()));
    assertThat(instructions)
        .as("nothing is built in the image")
        .noneMatch(
            i -> i[0].equals("RUN") && String.join(" ", i).matches(".*\\b(mvn|mvnw|gradle|javac)\\b.*"));
  }

  // ------------------------------------------------------------------------------ helpers

  /** A schema violation: where (JSON pointer into the manifest), which keyword, the message. */
  record Violation(String location, String keyword, String message) {}

  /** The CRD's openAPIV3Schema, compiled by networknt's validator (structural schemas: draft 4). */
  static final class CrdSchema {
    private static final SchemaRegistry REGISTRY =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
    private final Schema schema;

    CrdSchema(JsonNode openApiV3Schema) {
      this.schema = REGISTRY.getSchema(json(openApiV3Schema), InputFormat.JSON);
    }

    List<Violation> validate(JsonNode resource) {
      return schema.validate(json(resource), InputFormat.JSON).stream()
          .map(e -> new Violation(pointer(e.getInstanceLocation()), e.getKeyword(), e.getMessage()))
          .toList();
    }

    private static String pointer(NodePath path) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < path.getNameCount(); i++) {
        sb.append('/').append(path.getElement(i));
      }
      return sb.toString();
    }
  }

  private static JsonNode readCrd() {
    try (InputStream in = FlinkDeploymentManifestTest.class.getClassLoader().getResourceAsStream(CRD)) {
      assertThat(in).as("%s on the test class path (flink-kubernetes-operator-api)", CRD).isNotNull();
      return YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode servedSchema(JsonNode crd, String version) {
    assertThat(crd.path("kind").asText()).isEqualTo("CustomResourceDefinition");
    JsonNode served = stream(crd.at("/spec/versions"))
        .filter(v -> v.path("name").asText().equals(version))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the CRD has no version " + version));
    assertThat(served.path("served").asBoolean()).as("%s is served", version).isTrue();
    return (ObjectNode) served.at("/schema/openAPIV3Schema");
  }

  /**
   * Marks every object schema with declared properties, and no additionalProperties or
   * x-kubernetes-preserve-unknown-fields of its own, as closed: the API server would prune an
   * unknown field silently, and kubectl's strict field validation (its default) refuses it.
   */
  private static ObjectNode rejectUnknownFields(ObjectNode schema) {
    if (schema.path("properties").isObject()
        && !schema.has("additionalProperties")
        && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      schema.put("additionalProperties", false);
    }
    schema.path("properties").forEach(p -> rejectUnknownFields((ObjectNode) p));
    for (String key : List.of("items", "additionalProperties", "not")) {
      if (schema.path(key).isObject()) {
        rejectUnknownFields((ObjectNode) schema.get(key));
      }
    }
    for (String key : List.of("allOf", "anyOf", "oneOf")) {
      schema.path(key).forEach(s -> rejectUnknownFields((ObjectNode) s));
    }
    return schema;
  }

  /** The paths of the schema's non-empty {@code required} lists under {@code schema}. */
  private static List<String> requiredLists(JsonNode schema, String path) {
    List<String> found = new ArrayList<>();
    if (schema.path("required").size() > 0) {
      found.add(path + " " + schema.get("required"));
    }
    for (Map.Entry<String, JsonNode> p : iterable(schema.path("properties").fields())) {
      found.addAll(requiredLists(p.getValue(), path + "." + p.getKey()));
    }
    if (schema.path("items").isObject()) {
      found.addAll(requiredLists(schema.get("items"), path + "[]"));
    }
    return found;
  }

  /**
   * The rules of the operator's DefaultValidator.validateJobSpec (1.15.0) that the schema cannot
   * express; keys by their Flink 2 names (the deprecated state.* names count too).
   */
  private static List<String> operatorRuleViolations(JsonNode resource) {
    List<String> violations = new ArrayList<>();
    JsonNode conf = resource.at("/spec/flinkConfiguration");
    JsonNode job = resource.at("/spec/job");
    String mode = job.path("upgradeMode").asText("stateless");
    if (!mode.equals("stateless")
        && !hasAny(conf, "execution.checkpointing.dir", "state.checkpoints.dir")) {
      violations.add("upgradeMode " + mode + " needs execution.checkpointing.dir");
    }
    if (mode.equals("savepoint")
        && !hasAny(conf, "execution.checkpointing.savepoint-dir", "state.savepoints.dir")) {
      violations.add("upgradeMode savepoint needs execution.checkpointing.savepoint-dir");
    }
    if (!resource.at("/spec/taskManager").has("replicas") && job.path("parallelism").asInt(0) < 1) {
      violations.add("job.parallelism must be at least 1 without taskManager.replicas");
    }
    return violations;
  }

  private static boolean hasAny(JsonNode conf, String... keys) {
    for (String key : keys) {
      if (!conf.path(key).asText("").isBlank()) {
        return true;
      }
    }
    return false;
  }

  /** deploy/config/moderation.yaml: every key the job configuration has (commented keys are not). */
  private static JsonNode referenceConfig() {
    return readYaml(MODULE.resolve("../config/moderation.yaml"));
  }

  private static JsonNode jobConfig(JsonNode configMap) {
    JsonNode text = configMap.at("/data/moderation.yaml");
    assertThat(text.isTextual()).as("configmap.yaml has data.moderation.yaml").isTrue();
    try {
      return YAML.readTree(text.asText());
    } catch (IOException e) {
      throw new AssertionError("data.moderation.yaml of configmap.yaml: " + e.getMessage(), e);
    }
  }

  /**
   * The dotted paths of {@code config} that {@code reference} lacks. An empty mapping in the
   * reference is a free-form map (kafka.consumer / kafka.producer: Kafka client properties); the
   * items of a list of mappings may use the keys of any item of the reference list.
   */
  static List<String> unknownKeys(JsonNode config, JsonNode reference, String path) {
    List<String> unknown = new ArrayList<>();
    if (config.isArray()) {
      ObjectNode itemKeys = JsonNodeFactory.instance.objectNode();
      for (JsonNode item : reference) {
        item.fields().forEachRemaining(f -> itemKeys.putIfAbsent(f.getKey(), f.getValue()));
      }
      for (int i = 0; i < config.size(); i++) {
        if (config.get(i).isObject()) {
          unknown.addAll(unknownKeys(config.get(i), itemKeys, path + "[" + i + "]"));
        }
      }
      return unknown;
    }
    for (Map.Entry<String, JsonNode> field : iterable(config.fields())) {
      String p = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
      JsonNode ref = reference.get(field.getKey());
      JsonNode value = field.getValue();
      if (ref == null) {
        unknown.add(p);
      } else if (ref.isObject() && ref.isEmpty()) {
        continue;
      } else if (value.isObject() && ref.isObject() || value.isArray() && ref.isArray()) {
        unknown.addAll(unknownKeys(value, ref, p));
      } else if (value.isObject() && !ref.isObject()) {
        unknown.add(p + " (a mapping; the reference has a value)");
      }
    }
    return unknown;
  }

  /** A Flink duration ("5 s", "5000 ms", "5000", "1 min") in milliseconds. */
  static long durationMillis(String value) {
    Matcher m = Pattern.compile("(\\d+)\\s*(ms|s|min|h)?").matcher(value.trim());
    assertThat(m.matches()).as("a Flink duration: %s", value).isTrue();
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return switch (unit) {
      case "ms" -> n;
      case "s" -> n * 1_000;
      case "min" -> n * 60_000;
      default -> n * 3_600_000;
    };
  }

  /** The Dockerfile's instructions as words: continuations joined, comments and flags dropped. */
  static List<String[]> dockerInstructions(Path dockerfile) throws IOException {
    List<String[]> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(dockerfile)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || trimmed.isEmpty() && current.isEmpty()) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      String[] words = Stream.of(current.toString().trim().split("\\s+"))
          .filter(w -> !w.startsWith("--"))
          .toArray(String[]::new);
      words[0] = words[0].toUpperCase(Locale.ROOT);
      instructions.add(words);
      current.setLength(0);
    }
    return instructions;
  }

  private static String volumeNamed(Predicate<JsonNode> kind) {
    List<String> names = stream(manifest.at("/spec/podTemplate/spec/volumes"))
        .filter(kind)
        .map(v -> v.path("name").asText())
        .toList();
    assertThat(names).hasSize(1);
    return names.get(0);
  }

  private static String mountPathOf(String volume) {
    return stream(manifest.at("/spec/podTemplate/spec/containers/0/volumeMounts"))
        .filter(m -> m.path("name").asText().equals(volume))
        .map(m -> m.path("mountPath").asText())
        .findFirst()
        .orElseThrow(() -> new AssertionError("volume " + volume + " is not mounted"));
  }

  private static String flinkConfiguration(String key) {
    JsonNode value = manifest.at("/spec/flinkConfiguration").get(key);
    assertThat(value).as("spec.flinkConfiguration.%s", key).isNotNull();
    return value.asText();
  }

  private static Consumer<ObjectNode> edit(Consumer<ObjectNode> edit) {
    return edit;
  }

  private static ObjectNode object(ObjectNode resource, String pointer) {
    return (ObjectNode) resource.at(pointer);
  }

  private static ObjectNode spec(ObjectNode resource) {
    return (ObjectNode) resource.get("spec");
  }

  private static ObjectNode job(ObjectNode resource) {
    return (ObjectNode) spec(resource).get("job");
  }

  private static boolean contains(JsonNode array, String value) {
    return stream(array).anyMatch(v -> v.asText().equals(value));
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }

  private static <T> Iterable<T> iterable(Iterator<T> iterator) {
    return () -> iterator;
  }

  private static JsonNode readYaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static String json(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
