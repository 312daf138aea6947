package dev.streammod.decoders.synthetic;

import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * What {@link SyntheticSegments#encode} makes: codec, container, pixel format, size, frame timing,
 * picture, rotation metadata, audio. Immutable; build with {@link #builder()}, whose {@link
 * Builder#build()} checks every field once and names the field and its bad value.
 */
public final class SegmentSpec {

  /** MPEG-2 video allows only these frame rates (FFmpeg would silently pick the nearest). */
  static final Set<Double> MPEG2_FRAME_RATES = Set.of(24.0, 25.0, 30.0, 50.0, 60.0);

  private final VideoCodec codec;
  private final ContainerFormat container;
  private final String pixelFormat;
  private final int width;
  private final int height;
  private final double fps;
  private final double seconds;
  private final int gopFrames;
  private final SceneKind scene;
  private final TestPattern pattern;
  private final long seed;
  private final long startFrameIndex;
  private final int rotationDegrees;
  private final boolean video;
  private final boolean audio;
  private final long[] frameTimesMicros;

  private SegmentSpec(Builder b) {
    codec = b.codec;
    container = b.container;
    pixelFormat = b.pixelFormat;
    width = b.width;
    height = b.height;
    fps = b.fps;
    seconds = b.seconds;
    gopFrames = b.gopFrames > 0 ? b.gopFrames : (int) Math.max(1, Math.round(b.fps));
    scene = b.scene;
    pattern = b.pattern;
    seed = b.seed;
    startFrameIndex = b.startFrameIndex;
    rotationDegrees = b.rotationDegrees;
    video = b.video;
    audio = b.audio;
    frameTimesMicros = b.frameTimesMicros == null ? null : b.frameTimesMicros.clone();
  }

  /** H.264 in MPEG-TS, yuv420p, 320x240, 15 fps, 2 s, GOP 1 s, neutral scene, no audio. */
  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b =
        new Builder()
            .codec(codec)
            .container(container)
            .pixelFormat(pixelFormat)
            .size(width, height)
            .fps(fps)
            .seconds(seconds)
            .gopFrames(gopFrames)
            .seed(seed)
            .startFrameIndex(startFrameIndex)
            .rotationDegrees(rotationDegrees)
            .video(video)
            .audio(audio);
    b.scene = scene;
    b.pattern = pattern;
    b.frameTimesMicros = frameTimesMicros;
    return b;
  }

  public VideoCodec codec() {
    return codec;
  }

  public ContainerFormat container() {
    return container;
  }

  /** FFmpeg pixel format name of the coded video, e.g. {@code "yuv420p10le"}. */
  public String pixelFormat() {
    return pixelFormat;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Nominal frame rate; with {@link #frameTimesMicros()} the timing comes from there instead. */
  public double fps() {
    return fps;
  }

  public double seconds() {
    return seconds;
  }

  /** Frames from one key frame to the next. */
  public int gopFrames() {
    return gopFrames;
  }

  /** The moving scene drawn, or null when a {@link #pattern()} is drawn instead. */
  public SceneKind scene() {
    return scene;
  }

  /** The still test pattern drawn, or null when a {@link #scene()} is drawn. */
  public TestPattern pattern() {
    return pattern;
  }

  public long seed() {
    return seed;
  }

  public long startFrameIndex() {
    return startFrameIndex;
  }

  /**
   * Clockwise rotation a player applies for display, written as the stream's display matrix: 0, 90,
   * 180 or 270. The coded pictures are not rotated.
   */
  public int rotationDegrees() {
    return rotationDegrees;
  }

  /** False for an audio-only segment. */
  public boolean hasVideo() {
    return video;
  }

  /** Whether a mono audio track (AAC, or Opus in WebM) is muxed alongside. */
  public boolean hasAudio() {
    return audio;
  }

  /**
   * Presentation time of each frame (variable frame rate), or null for constant {@link #fps()}. A
   * copy.
   */
  public long[] frameTimesMicros() {
    return frameTimesMicros == null ? null : frameTimesMicros.clone();
  }

  /** Number of video frames encoded. */
  public int frameCount() {
    if (!video) {
      return 0;
    }
    return frameTimesMicros != null
        ? frameTimesMicros.length
        : (int) Math.max(1, Math.round(fps * seconds));
  }

  /** Media duration in seconds. */
  public double durationSeconds() {
    if (frameTimesMicros != null && video) {
      return frameTimesMicros[frameTimesMicros.length - 1] / 1e6 + 1 / fps;
    }
    return seconds;
  }

  @Override
  public String toString() {
    return (video ? codec + "/" + pixelFormat + " " + width + "x" + height : "no video")
        + " in "
        + container
        + (frameTimesMicros != null
            ? ", " + frameTimesMicros.length + " frames at variable rate"
            : ", " + fps + " fps, " + seconds + " s")
        + (video ? ", GOP " + gopFrames : "")
        + (rotationDegrees != 0 ? ", rotation " + rotationDegrees : "")
        + (audio ? ", with audio" : "");
  }

  /** Mutable builder; not thread-safe. */
  public static final class Builder {
    private VideoCodec codec = VideoCodec.H264;
    private ContainerFormat container = ContainerFormat.MPEGTS;
    private String pixelFormat = "yuv420p";
    private int width = 320;
    private int height = 240;
    private double fps = 15;
    private double seconds = 2;
    private int gopFrames = 0;
    private SceneKind scene = SceneKind.NEUTRAL;
    private TestPattern pattern;
    private long seed = 1;
    private long startFrameIndex;
    private int rotationDegrees;
    private boolean video = true;
    private boolean audio;
    private long[] frameTimesMicros;

    private Builder() {}

    public Builder codec(VideoCodec codec) {
      this.codec = codec;
      return this;
    }

    public Builder container(ContainerFormat container) {
      this.container = container;
      return this;
    }

    public Builder pixelFormat(String pixelFormat) {
      this.pixelFormat = pixelFormat;
      return this;
    }

    /** Any size from 2x2 up to 8192x8192; odd sizes are allowed where the encoder takes them. */
    public Builder size(int width, int height) {
      this.width = width;
      this.height = height;
      return this;
    }

    public Builder fps(double fps) {
      this.fps = fps;
      return this;
    }

    public Builder seconds(double seconds) {
      this.seconds = seconds;
      return this;
    }

    /** Frames per GOP; 0 (the default) means one key frame per second. */
    public Builder gopFrames(int gopFrames) {
      this.gopFrames = gopFrames;
      return this;
    }

    /** Draws a moving scene (the default, {@link SceneKind#NEUTRAL}). */
    public Builder scene(SceneKind scene) {
      this.scene = Objects.requireNonNull(scene, "scene");
      this.pattern = null;
      return this;
    }

    /** Draws a still pattern of known geometry instead of a scene. */
    public Builder pattern(TestPattern pattern) {
      this.pattern = Objects.requireNonNull(pattern, "pattern");
      this.scene = null;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder startFrameIndex(long startFrameIndex) {
      this.startFrameIndex = startFrameIndex;
      return this;
    }

    public Builder rotationDegrees(int rotationDegrees) {
      this.rotationDegrees = rotationDegrees;
      return this;
    }

    public Builder video(boolean video) {
      this.video = video;
      return this;
    }

    public Builder audio(boolean audio) {
      this.audio = audio;
      return this;
    }

    /**
     * Variable frame rate: one frame at each of these strictly increasing times, in microseconds
     * from 0, at millisecond resolution. {@link #fps(double)} then only sets the last frame's
     * duration and, with {@link #gopFrames(int)} 0, the GOP length.
     */
    public Builder frameTimesMicros(long... frameTimesMicros) {
      this.frameTimesMicros = frameTimesMicros == null ? null : frameTimesMicros.clone();
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first bad field and its value
     */
    public SegmentSpec build() {
      if (codec == null) {
        throw new IllegalArgumentException("codec must not be null");
      }
      if (container == null) {
        throw new IllegalArgumentException("container must not be null");
      }
      if (pixelFormat == null || avutil.av_get_pix_fmt(pixelFormat) < 0) {
        throw new IllegalArgumentException(
            "pixelFormat must be an FFmpeg pixel format name such as yuv420p, but was "
                + pixelFormat);
      }
      if (width < 2 || width > 8192) {
        throw new IllegalArgumentException("width must be in [2, 8192], but was " + width);
      }
      if (height < 2 || height > 8192) {
        throw new IllegalArgumentException("height must be in [2, 8192], but was " + height);
      }
      if (!(fps > 0) || fps > 240) {
        throw new IllegalArgumentException("fps must be in (0, 240], but was " + fps);
      }
      if (!(seconds > 0) || seconds > 3600) {
        throw new IllegalArgumentException("seconds must be in (0, 3600], but was " + seconds);
      }
      if (gopFrames < 0) {
        throw new IllegalArgumentException("gopFrames must be >= 0, but was " + gopFrames);
      }
      if (startFrameIndex < 0) {
        throw new IllegalArgumentException(
            "startFrameIndex must be >= 0, but was " + startFrameIndex);
      }
      if (rotationDegrees != 0
          && rotationDegrees != 90
          && rotationDegrees != 180
          && rotationDegrees != 270) {
        throw new IllegalArgumentException(
            "rotationDegrees must be 0, 90, 180 or 270, but was " + rotationDegrees);
      }
      if (rotationDegrees != 0 && !container.carriesRotation()) {
        throw new IllegalArgumentException(
            "rotationDegrees="
                + rotationDegrees
                + " needs a container with a display matrix (MP4, Matroska, WebM), but container"
                + " was "
                + container);
      }
      if (!video && !audio) {
        throw new IllegalArgumentException("video and audio are both off: nothing to encode");
      }
      if (container == ContainerFormat.WEBM
          && video
          && codec != VideoCodec.VP9
          && codec != VideoCodec.AV1) {
        throw new IllegalArgumentException(
            "container WEBM takes VP9 or AV1 video, but codec was " + codec);
      }
      if (codec == VideoCodec.MPEG2 && video && !MPEG2_FRAME_RATES.contains(fps)) {
        throw new IllegalArgumentException(
            "fps for MPEG2 must be one of " + MPEG2_FRAME_RATES + ", but was " + fps);
      }
      if (frameTimesMicros != null) {
        if (frameTimesMicros.length == 0 || frameTimesMicros[0] != 0) {
          throw new IllegalArgumentException(
              "frameTimesMicros must start at 0, but was " + Arrays.toString(frameTimesMicros));
        }
        for (int i = 1; i < frameTimesMicros.length; i++) {
          if (frameTimesMicros[i] / 1000 <= frameTimesMicros[i - 1] / 1000) {
            throw new IllegalArgumentException(
                "frameTimesMicros must increase by at least 1 ms per frame, but frame "
                    + i
                    + " is at "
                    + frameTimesMicros[i]
                    + " after "
                    + frameTimesMicros[i - 1]);
          }
        }
      }
      return new SegmentSpec(this);
    }
  }
}
