package dev.streammod.decoders.synthetic;

/** Video codecs the synthetic encoder can produce, each with the FFmpeg encoder that makes it. */
public enum VideoCodec {
  /** H.264 / AVC through x264 ({@code ultrafast}, no B-frames). */
  H264("libx264", "h264"),
  /** HEVC / H.265 through x265 ({@code ultrafast}, with B-frames). */
  HEVC("libx265", "hevc"),
  /** VP9 through libvpx ({@code realtime}). */
  VP9("libvpx-vp9", "vp9"),
  /** AV1 through libaom ({@code realtime}); in WebM and Matroska through SVT-AV1, see below. */
  AV1("libaom-av1", "av1"),
  /** MPEG-2 video through FFmpeg's own encoder; frame rates are the MPEG-2 ones only. */
  MPEG2("mpeg2video", "mpeg2video");

  private final String encoderName;
  private final String codecName;

  VideoCodec(String encoderName, String codecName) {
    this.encoderName = encoderName;
    this.codecName = codecName;
  }

  /** FFmpeg encoder name, e.g. {@code "libx264"}. */
  public String encoderName() {
    return encoderName;
  }

  /** FFmpeg codec name as a decoder reports it, e.g. {@code "h264"}. */
  public String codecName() {
    return codecName;
  }
}
