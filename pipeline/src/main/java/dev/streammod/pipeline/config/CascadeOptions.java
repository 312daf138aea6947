package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streammod.pipeline.moderation.Cascade;
import java.io.Serializable;

/**
 * A second opinion on flagged frames ({@link Cascade}): frames whose first-model result the rules
 * flag (REVIEW or BLOCK) go to {@code model} (same repository as {@code model.repository}, or the
 * bundled models), judged by the policy shipped for it, and {@code mode} combines both: {@code
 * confirm} (BLOCK only when both block, otherwise REVIEW) or {@code veto} (the second model alone
 * decides).
 *
 * <p>{@code enabled} unset means: on for the bundled MobileNetV2 models (whose second opinion,
 * InceptionV3, is bundled with them), off otherwise; {@link #resolvedFor} settles it.
 */
public record CascadeOptions(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("model") String model,
    @JsonProperty("version") String version,
    @JsonProperty("mode") String mode)
    implements Serializable {

  public static final String DEFAULT_MODEL = "nsfw-inception-v3";

  public CascadeOptions {
    model = Check.nonBlank("cascade.model", model, DEFAULT_MODEL);
    if (version != null && version.isBlank()) {
      version = null;
    }
    mode = Check.oneOf("cascade.mode", mode, Cascade.Mode.class, Cascade.Mode.CONFIRM).name();
  }

  /** Off: the first model's rules alone decide. */
  public static CascadeOptions off() {
    return new CascadeOptions(false, null, null, null);
  }

  /** Not configured: {@link #resolvedFor} decides. */
  public static CascadeOptions unset() {
    return new CascadeOptions(null, null, null, null);
  }

  /** The bundled models whose second opinion is on unless configured off. */
  public static boolean onByDefaultFor(ModelSettings first) {
    return first.repository() == null
        && (first.name().equals("nsfw-mobilenet-v2") || first.name().equals("nsfw-mobilenet-v2-int8"));
  }

  /** These options with {@code enabled} settled for the first model. */
  public CascadeOptions resolvedFor(ModelSettings first) {
    return enabled != null ? this : new CascadeOptions(onByDefaultFor(first), model, version, mode);
  }

  public Cascade.Mode cascadeMode() {
    return Cascade.Mode.valueOf(mode);
  }

  /** The second model as model settings: its name and version, the first model's repository and device. */
  public ModelSettings secondModel(ModelSettings first) {
    return new ModelSettings(first.repository(), model, version, first.device(), first.intraOpThreads());
  }
}
