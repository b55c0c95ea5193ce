package dev.egresskit.cli.output;

import dev.egresskit.core.text.Printable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A plain-text table with a header row and left-aligned columns. Widths are computed on the
 * plain text; colour is applied per cell afterwards, so escape codes never break alignment.
 */
public final class TextTable {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  public TextTable(String... headers) {
    this.headers = List.of(headers);
  }

  /**
   * Adds a row; it must have one cell per header. Control characters in a cell are escaped
   * ({@link Printable}): a name from a policy must not forge a row or reach the terminal.
   */
  public TextTable row(String... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("expected " + headers.size() + " cells, got "
          + cells.length);
    }
    List<String> escaped = new ArrayList<>(cells.length);
    for (String cell : cells) {
      escaped.add(Printable.escape(cell));
    }
    rows.add(List.copyOf(escaped));
    return this;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  /** Renders with no per-cell colour. */
  public String render(Style style) {
    return render(style, (column, text) -> text);
  }

  /**
   * Renders the table.
   *
   * @param colour decorates a padded body cell, given its column index and plain text
   */
  public String render(Style style, BiFunction<Integer, String, String> colour) {
    int[] widths = new int[headers.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = headers.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, headers, widths, (c, text) -> style.bold(text));
    for (List<String> row : rows) {
      line(out, row, widths, colour);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells, int[] widths,
      BiFunction<Integer, String, String> colour) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String text = cells.get(c);
      boolean last = c == cells.size() - 1;
      String padded = last ? text : text + " ".repeat(widths[c] - text.length());
      line.append(colour.apply(c, padded));
      if (!last) {
        line.append("  ");
      }
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }
}
