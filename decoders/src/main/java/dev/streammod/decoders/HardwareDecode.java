package dev.streammod.decoders;

/**
 * Whether video is decoded on an NVIDIA GPU (NVDEC, through FFmpeg's {@code *_cuvid} decoders).
 * Either way a segment is never lost to the GPU: when the cuvid decoder is missing from the bundled
 * FFmpeg or cannot be opened (no GPU, no driver, no free decoder session), the CPU decoder takes the
 * segment and the reason is logged.
 */
public enum HardwareDecode {
  /** CPU decoders only. */
  NONE,
  /** Try the cuvid decoder for every segment; a fallback to the CPU is logged as a warning. */
  CUDA,
  /** Try the cuvid decoder where there is one; a fallback to the CPU is logged at info level. */
  AUTO
}
