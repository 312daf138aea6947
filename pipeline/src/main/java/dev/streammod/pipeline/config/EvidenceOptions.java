package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streammod.pipeline.moderation.EvidenceSettings;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;

/**
 * Evidence for reviewers: REVIEW and BLOCK verdicts carry the frame that decided as a small JPEG,
 * {@code max-dimension} pixels on its longest side at most and {@code max-bytes} at most (the
 * quality is lowered until it fits), inline in the verdict ({@code store: inline}) or written under
 * a {@code file:} directory with its URI in the verdict. ALLOW verdicts never carry one.
 */
public record EvidenceOptions(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("max-dimension") Integer maxDimension,
    @JsonProperty("max-bytes") Integer maxBytes,
    @JsonProperty("store") String store)
    implements Serializable {

  public static final int MAX_DIMENSION_LIMIT = 1024;
  public static final int MAX_BYTES_LIMIT = 512 * 1024;

  public EvidenceOptions {
    enabled = enabled != null && enabled;
    maxDimension = Check.positive("evidence.max-dimension", maxDimension, 320);
    if (maxDimension < 16 || maxDimension > MAX_DIMENSION_LIMIT) {
      throw new IllegalArgumentException(
          "evidence.max-dimension must be in [16, " + MAX_DIMENSION_LIMIT + "], got " + maxDimension);
    }
    maxBytes = Check.positive("evidence.max-bytes", maxBytes, 32 * 1024);
    if (maxBytes < 1024 || maxBytes > MAX_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "evidence.max-bytes must be in [1024, " + MAX_BYTES_LIMIT + "], got " + maxBytes);
    }
    store = Check.nonBlank("evidence.store", store, "inline");
    if (!store.equals("inline")) {
      directoryOf(store);
    }
  }

  public static EvidenceOptions off() {
    return new EvidenceOptions(null, null, null, null);
  }

  /** The settings the moderation step uses; null when evidence is off. */
  public EvidenceSettings toSettings() {
    if (!enabled) {
      return null;
    }
    return new EvidenceSettings(maxDimension, maxBytes, store.equals("inline") ? null : directoryOf(store));
  }

  private static Path directoryOf(String store) {
    URI uri;
    try {
      uri = URI.create(store);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("evidence.store must be 'inline' or a file: URI of a directory, got '" + store + "'");
    }
    if (!"file".equals(uri.getScheme()) || uri.getPath() == null || uri.getPath().isEmpty()) {
      throw new IllegalArgumentException(
          "evidence.store must be 'inline' or a file: URI of a directory (e.g. file:///var/lib/streammod/evidence), got '"
              + store
              + "'");
    }
    return Path.of(uri);
  }
}
