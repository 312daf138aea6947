package dev.streammod.models.convert;

import java.util.Arrays;
import java.util.Objects;

/**
 * One named weight of a Keras layer, dequantised to float32, in row-major order. {@code uint8} is
 * how tfjs stored it when it stored it as uint8 codes (else null), so that a converter can keep the
 * codes instead of the floats.
 */
public record Weight(String name, int[] shape, float[] values, Uint8 uint8) {
  /**
   * tfjs's uint8 quantisation: {@code values[i] = float32(codes[i] * scale + min)}, the product and
   * the sum in double precision (JavaScript numbers), rounded to float32 once.
   */
  public record Uint8(byte[] codes, double scale, double min) {
    public Uint8 {
      Objects.requireNonNull(codes, "codes");
      if (!Double.isFinite(scale) || !Double.isFinite(min)) {
        throw new IllegalArgumentException(
            "scale " + scale + " and min " + min + " must be finite");
      }
    }

    /** The float32 value of one code, exactly as tfjs computes it. */
    public static float dequantise(int code, double scale, double min) {
      return (float) (code * scale + min);
    }
  }

  public Weight(String name, int[] shape, float[] values) {
    this(name, shape, values, null);
  }

  public Weight {
    Objects.requireNonNull(name, "name");
    shape = shape.clone();
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "weight '" + name + "' has a negative dimension in " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(
          "weight '"
              + name
              + "' has shape "
              + Arrays.toString(shape)
              + " ("
              + n
              + " values) but "
              + values.length
              + " values");
    }
    if (uint8 != null && uint8.codes().length != values.length) {
      throw new IllegalArgumentException(
          "weight '"
              + name
              + "' has "
              + values.length
              + " values but "
              + uint8.codes().length
              + " uint8 codes");
    }
  }

  /** The shape, a copy. */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  int size() {
    return values.length;
  }

  @Override
  public String toString() {
    return "Weight{" + name + " " + Arrays.toString(shape) + (uint8 == null ? "" : " uint8") + "}";
  }
}
