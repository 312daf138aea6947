package dev.streammod.models.convert;

import java.util.Arrays;
import java.util.Objects;

/** One named weight of a Keras layer, dequantised to float32, in row-major order. */
public record Weight(String name, int[] shape, float[] values) {
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
    return "Weight{" + name + " " + Arrays.toString(shape) + "}";
  }
}
