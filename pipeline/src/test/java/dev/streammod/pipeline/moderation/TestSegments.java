package dev.streammod.pipeline.moderation;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.RawRecord;
import dev.streammod.connectors.avro.VideoSegment;
import dev.streammod.decoders.DecoderSettings;
import dev.streammod.decoders.SamplingPolicy;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.models.EngineOptions;
import dev.streammod.models.ExecutionDevice;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.batching.BatcherSettings;
import dev.streammod.models.batching.SharedBatchers;
import dev.streammod.models.testing.ColourStatsModel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What the moderator's tests share: Kafka records of segments as the source hands them over, the
 * colour-statistics model at 64x64 written to a folder, and a key-frame decoder for it.
 */
final class TestSegments {
  private static final AvroCodec<VideoSegment> CODEC = AvroCodec.videoSegments();

  private TestSegments() {}

  /**
   * A record of {@code video.segments}, offset {@code seq}, keyed by {@code stream}: MPEG-TS with
   * its payload inline ({@code payload}) or by reference ({@code uri}); either may be null.
   */
  static RawRecord record(String stream, long seq, byte[] payload, String uri, long timestamp) {
    VideoSegment s =
        VideoSegment.newBuilder()
            .setStreamId(stream)
            .setSequence(seq)
            .setContainer("mpegts")
            .setPayload(payload == null ? null : ByteBuffer.wrap(payload))
            .setPayloadUri(uri)
            .build();
    return raw(stream, seq, CODEC.encode(s), timestamp);
  }

  /** A record with any value, keyed by {@code stream}. */
  static RawRecord raw(String stream, long offset, byte[] value, long timestamp) {
    return new RawRecord(
        "video.segments", 0, offset, timestamp, stream.getBytes(StandardCharsets.UTF_8), value);
  }

  /** The shared batcher of the colour-statistics model (labels neutral, red), on the CPU. */
  static SharedBatchers.Lease colourStatsLease(Path folder) {
    ModelArtifact artifact = ModelArtifact.load(ColourStatsModel.write(folder, 64, 64));
    return SharedBatchers.acquire(
        artifact, EngineOptions.builder().device(ExecutionDevice.CPU).build(), BatcherSettings.builder().build());
  }

  /** Key frames scaled to the colour-statistics model's 64x64. */
  static SegmentDecoder keyframeDecoder() {
    return new SegmentDecoder(
        DecoderSettings.builder().width(64).height(64).sampling(SamplingPolicy.keyframes()).build());
  }
}
