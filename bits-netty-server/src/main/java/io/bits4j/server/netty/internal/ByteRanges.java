package io.bits4j.server.netty.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Parser for the {@code Range} header (RFC 9110 §14.1–§14.2). Numbers saturate at {@link
 * Long#MAX_VALUE}, so no value, however long, overflows. Pure Java; thread-safe.
 */
public final class ByteRanges {
  private ByteRanges() {}

  /** The most range-specs a header may have before the server ignores it (ARCHITECTURE §4). */
  public static final int MAX_RANGE_SPECS = 500;

  /** What a {@code Range} header amounts to. */
  public enum Kind {
    /** Well-formed {@code bytes=} header: {@link Parsed#specs()} holds its range-specs. */
    SPECS,
    /** Malformed, or another unit: ignore the header (serve 200). */
    IGNORED,
    /** More than {@link #MAX_RANGE_SPECS} range-specs: ignore the header (serve 200). */
    TOO_MANY
  }

  /**
   * One range-spec: {@code first-last} ({@code last} = {@link Long#MAX_VALUE} when open), or a
   * suffix of {@code suffixLength} bytes when {@code first} is -1.
   *
   * @param first first-pos, or -1 for a suffix-range
   * @param last last-pos (saturated), or open ({@link Long#MAX_VALUE})
   * @param suffixLength the suffix length of a suffix-range, else 0
   */
  public record Spec(long first, long last, long suffixLength) {
    /** {@code first-last} or {@code first-}. */
    public static Spec of(long first, long last) {
      return new Spec(first, last, 0);
    }

    /** {@code -n}. */
    public static Spec suffix(long n) {
      return new Spec(-1, Long.MAX_VALUE, n);
    }

    /** True for a suffix-range. */
    public boolean isSuffix() {
      return first < 0;
    }
  }

  /**
   * The parse result.
   *
   * @param kind what the header amounts to
   * @param specs the range-specs, in header order (only for {@link Kind#SPECS})
   */
  public record Parsed(Kind kind, List<Spec> specs) {}

  private static final Parsed IGNORE = new Parsed(Kind.IGNORED, List.of());
  private static final Parsed TOO_MANY = new Parsed(Kind.TOO_MANY, List.of());

  /** Parses a Range field value (several field lines joined by {@code ,}). */
  public static Parsed parse(String value) {
    int eq = value.indexOf('=');
    if (eq <= 0) {
      return IGNORE;
    }
    String unit = value.substring(0, eq).strip();
    if (!unit.equalsIgnoreCase("bytes")) {
      return IGNORE;
    }
    List<Spec> specs = new ArrayList<>();
    int i = eq + 1;
    int n = value.length();
    while (i <= n) {
      int comma = value.indexOf(',', i);
      int end = comma < 0 ? n : comma;
      String element = strip(value, i, end);
      i = end + 1;
      if (element.isEmpty()) {
        continue; // empty list elements are ignored (RFC 9110 §5.6.1)
      }
      if (specs.size() == MAX_RANGE_SPECS) {
        return TOO_MANY;
      }
      Spec s = parseSpec(element);
      if (s == null) {
        return IGNORE;
      }
      specs.add(s);
    }
    return specs.isEmpty() ? IGNORE : new Parsed(Kind.SPECS, List.copyOf(specs));
  }

  private static String strip(String s, int from, int to) {
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return s.substring(from, to);
  }

  private static Spec parseSpec(String e) {
    int dash = e.indexOf('-');
    if (dash < 0) {
      return null;
    }
    String a = e.substring(0, dash);
    String b = e.substring(dash + 1);
    if (a.isEmpty()) {
      long n = digits(b);
      return n < 0 ? null : Spec.suffix(n);
    }
    long first = digits(a);
    if (first < 0) {
      return null;
    }
    if (b.isEmpty()) {
      return Spec.of(first, Long.MAX_VALUE);
    }
    long last = digits(b);
    if (last < 0 || last < first) {
      return null;
    }
    return Spec.of(first, last);
  }

  /** 1*DIGIT saturated at Long.MAX_VALUE, or -1 if not digits. */
  static long digits(String s) {
    if (s.isEmpty()) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      int d = c - '0';
      if (v > (Long.MAX_VALUE - d) / 10) {
        v = Long.MAX_VALUE;
      } else {
        v = v * 10 + d;
      }
    }
    return v;
  }
}
