package dev.streammod.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The columns of a CSV file of {@code T} rows, each a name and how its value is written: the header
 * and every row come from the one list, so they cannot drift apart.
 */
final class CsvColumns<T> {
  private final List<String> names = new ArrayList<>();
  private final List<Function<? super T, String>> cells = new ArrayList<>();

  /** A column written with {@code format} ({@link Locale#ROOT}). */
  CsvColumns<T> add(String name, String format, Function<? super T, ?> value) {
    return addText(name, row -> String.format(Locale.ROOT, format, value.apply(row)));
  }

  CsvColumns<T> addText(String name, Function<? super T, String> text) {
    names.add(name);
    cells.add(text);
    return this;
  }

  String header() {
    return String.join(",", names);
  }

  String row(T row) {
    List<String> values = new ArrayList<>(cells.size());
    for (Function<? super T, String> cell : cells) {
      values.add(cell.apply(row));
    }
    return String.join(",", values);
  }
}
