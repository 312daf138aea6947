package dev.streammod.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streammod.decoders.SamplingPolicy;
import dev.streammod.models.EngineOptions;
import dev.streammod.models.ExecutionDevice;
import dev.streammod.models.InferenceEngine;
import dev.streammod.models.ModelArtifact;
import dev.streammod.cli.classify.Classifier;
import dev.streammod.pipeline.moderation.Cascade;
import dev.streammod.pipeline.moderation.EvidenceSettings;
import dev.streammod.pipeline.policy.Policy;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Classifies image and video files with a model from the repository, one line per file. */
@Command(
    name = "classify",
    mixinStandardHelpOptions = true,
    description = {
      "Classify images, video files and segments with the model.",
      "Takes images (PNG, JPEG) and video files or segments (sampled as the job samples"
          + " segments). For each file: the probability of every label, the top label and the"
          + " policy's decision, one line per file (JSON with --json)."
    })
final class ClassifyCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Images, video files or segments.")
  List<Path> files;

  @Option(names = "--model", description = "Model name (default: ${DEFAULT-VALUE}).", defaultValue = ModelLocator.DEFAULT_MODEL)
  String model;

  @Option(names = "--model-repository", paramLabel = "DIR", description = "Model repository (default: the models shipped in the jar).")
  Path repository;

  @Option(names = "--policy", paramLabel = "FILE", description = "Policy YAML (default: the one shipped for the model).")
  Path policyFile;

  @Option(names = "--sampling", defaultValue = "keyframes", description = "keyframes or fps:N (video only; default ${DEFAULT-VALUE}).")
  String sampling;

  @Option(names = "--max-frames", defaultValue = "16", description = "Sampled frames per video at most (default ${DEFAULT-VALUE}).")
  int maxFrames;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda (default ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--json", description = "One JSON object per line.")
  boolean json;

  @Option(
      names = "--second-opinion",
      paramLabel = "MODEL",
      description =
          "A second model for the frames the first model's rules flag (REVIEW or BLOCK), judged by the"
              + " policy shipped for it, e.g. nsfw-inception-v3.")
  String secondModel;

  @Option(
      names = "--cascade-mode",
      defaultValue = "confirm",
      description =
          "confirm (BLOCK only when both models block, otherwise REVIEW) or veto (the second model"
              + " decides the flagged frames); default ${DEFAULT-VALUE}.")
  String cascadeMode;

  @Option(
      names = "--evidence",
      paramLabel = "DIR",
      description = "Write the deciding frame of each REVIEW or BLOCK file to DIR/<file name>.jpg (at most 320 px, 32 KiB).")
  Path evidenceDir;

  @Override
  public Integer call() {
    ModelArtifact artifact = ModelLocator.resolve(repository, model, null);
    Policy policy = policyFile != null ? Policy.read(policyFile) : Policy.defaultFor(artifact.config().name());
    policy.checkLabels(artifact.config().labels(), artifact.config().name());
    ExecutionDevice dev = ExecutionDevice.valueOf(device.toUpperCase(Locale.ROOT));
    ObjectMapper mapper = new ObjectMapper();
    int failures = 0;
    Cascade.Mode mode;
    try {
      mode = Cascade.Mode.valueOf(cascadeMode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--cascade-mode must be confirm or veto, got '" + cascadeMode + "'");
    }
    ModelArtifact secondArtifact = secondModel == null ? null : ModelLocator.resolve(repository, secondModel, null);
    EvidenceSettings evidence =
        evidenceDir == null ? null : new EvidenceSettings(320, 32 * 1024, evidenceDir.toAbsolutePath());
    try (InferenceEngine engine = InferenceEngine.open(artifact, EngineOptions.builder().device(dev).build());
        InferenceEngine second =
            secondArtifact == null
                ? null
                : InferenceEngine.open(secondArtifact, EngineOptions.builder().device(dev).build())) {
      Classifier classifier =
          new Classifier(
              engine,
              policy,
              SamplingPolicy.parse(sampling),
              maxFrames,
              second == null
                  ? null
                  : new Classifier.SecondModel(second, mode, Policy.defaultFor(secondArtifact.config().name())),
              evidence);
      for (Path f : files) {
        Classifier.Result r = classifier.classify(f);
        if (r.failed()) {
          failures++;
        }
        System.out.println(json ? toJson(mapper, r, artifact) : toText(r));
      }
    }
    return failures == 0 ? 0 : 1;
  }

  private static String toJson(ObjectMapper mapper, Classifier.Result r, ModelArtifact artifact) {
    ObjectNode o = mapper.createObjectNode();
    o.put("file", r.file().toString());
    o.put("kind", r.kind());
    o.put("model", artifact.config().name());
    o.put("model_version", artifact.config().version());
    if (r.failed()) {
      ObjectNode e = o.putObject("error");
      e.put("code", r.errorCode());
      e.put("message", r.errorMessage());
      return o.toString();
    }
    o.put("frames_sampled", r.framesSampled());
    var ts = o.putArray("timestamps_ms");
    for (long t : r.timestampsMs()) {
      ts.add(t);
    }
    ObjectNode scores = o.putObject("scores");
    for (Map.Entry<String, Float> s : r.scores().entrySet()) {
      scores.put(s.getKey(), s.getValue());
    }
    o.put("top_label", r.topLabel());
    o.put("top_score", r.topScore());
    o.put("worst_frame_ms", r.worstFrameMs());
    o.put("decision", r.decision().name());
    o.put("rule", r.outcome().rule());
    if (r.second() != null) {
      ObjectNode so = o.putObject("second_opinion");
      so.put("model", r.second().model().name());
      so.put("model_version", r.second().model().version());
      so.put("mode", r.second().mode().name().toLowerCase(Locale.ROOT));
      so.put("decided_by", r.second().decidedBy().name());
      so.put("rule", r.second().rule());
      so.put("frames", r.second().framesAsked());
      ObjectNode ss = so.putObject("scores");
      r.second().scoreMap().forEach(ss::put);
      if (r.second().error() != null) {
        so.put("error", r.second().error());
      }
    }
    if (r.evidence() != null) {
      o.put(r.evidence().error() == null ? "evidence" : "evidence_error",
          r.evidence().error() == null ? r.evidence().uri() : r.evidence().error());
    }
    return o.toString();
  }

  private static String toText(Classifier.Result r) {
    if (r.failed()) {
      return r.file() + ": error " + r.errorCode() + ": " + r.errorMessage();
    }
    StringBuilder sb = new StringBuilder();
    sb.append(r.file())
        .append(": ")
        .append(r.decision())
        .append(" (")
        .append(r.outcome().rule())
        .append(r.second() == null ? "" : "; " + r.second().model().name() + " " + r.second().decidedBy())
        .append(") top ")
        .append(r.topLabel())
        .append(String.format(Locale.ROOT, " %.4f", r.topScore()))
        .append(" |");
    r.scores().forEach((k, v) -> sb.append(' ').append(k).append(String.format(Locale.ROOT, "=%.4f", v)));
    if (r.kind().equals("video")) {
      sb.append(" | frames ").append(r.framesSampled());
    }
    if (r.second() != null) {
      sb.append(" | second opinion:");
      r.second().scoreMap().forEach((k, v) -> sb.append(' ').append(k).append(String.format(Locale.ROOT, "=%.4f", v)));
      if (r.second().error() != null) {
        sb.append(" error: ").append(r.second().error());
      }
    }
    if (r.evidence() != null) {
      sb.append(" | evidence ").append(r.evidence().error() == null ? r.evidence().uri() : "none: " + r.evidence().error());
    }
    return sb.toString();
  }
}
