package dev.streammod.decoders.synthetic;

/** Containers the synthetic encoder writes, with the hint a decoder should be given. */
public enum ContainerFormat {
  /** MPEG-2 transport stream, as in HLS. */
  MPEGTS("mpegts", "mpegts"),
  /**
   * Fragmented MP4 (CMAF style): an initialization segment ({@code ftyp+moov}) and a media segment
   * ({@code moof+mdat}, one fragment per key frame), as in HLS-fMP4 and DASH.
   */
  FRAGMENTED_MP4("mp4", "mp4"),
  /** Progressive MP4 with its {@code moov} index at the end, as a recorder writes it. */
  MP4("mp4", "mp4"),
  /** WebM (VP9 or AV1 video, Opus audio). */
  WEBM("webm", "webm"),
  /** Matroska. */
  MATROSKA("matroska", "matroska"),
  /** FLV, as RTMP ingest carries it (H.264; HEVC as enhanced FLV). */
  FLV("flv", "flv");

  private final String muxer;
  private final String hint;

  ContainerFormat(String muxer, String hint) {
    this.muxer = muxer;
    this.hint = hint;
  }

  /** FFmpeg muxer name. */
  public String muxer() {
    return muxer;
  }

  /** The container hint to pass to the decoder. */
  public String hint() {
    return hint;
  }

  /** Whether the container can carry a display matrix (rotation metadata). */
  public boolean carriesRotation() {
    return this == FRAGMENTED_MP4 || this == MP4 || this == WEBM || this == MATROSKA;
  }
}
