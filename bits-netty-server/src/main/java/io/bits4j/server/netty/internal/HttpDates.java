package io.bits4j.server.netty.internal;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * HTTP-date (RFC 9110 §5.6.7): formats IMF-fixdate, parses IMF-fixdate and the two obsolete
 * forms (RFC 850, asctime). Pure Java; thread-safe.
 */
public final class HttpDates {
  private HttpDates() {}

  private static final DateTimeFormatter IMF = DateTimeFormatter
      .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  private static final DateTimeFormatter RFC850 = new DateTimeFormatterBuilder()
      .appendText(ChronoField.DAY_OF_WEEK, TextStyle.FULL)
      .appendLiteral(", ")
      .appendValue(ChronoField.DAY_OF_MONTH, 2)
      .appendLiteral('-')
      .appendText(ChronoField.MONTH_OF_YEAR, TextStyle.SHORT)
      .appendLiteral('-')
      .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
      .appendLiteral(' ')
      .appendPattern("HH:mm:ss")
      .appendLiteral(" GMT")
      .toFormatter(Locale.US);

  private static final DateTimeFormatter ASCTIME = new DateTimeFormatterBuilder()
      .appendText(ChronoField.DAY_OF_WEEK, TextStyle.SHORT)
      .appendLiteral(' ')
      .appendText(ChronoField.MONTH_OF_YEAR, TextStyle.SHORT)
      .appendLiteral(' ')
      .padNext(2)
      .appendValue(ChronoField.DAY_OF_MONTH)
      .appendLiteral(' ')
      .appendPattern("HH:mm:ss")
      .appendLiteral(' ')
      .appendValue(ChronoField.YEAR, 4)
      .toFormatter(Locale.US);

  /** A formatted second; immutable, so it is safely shared through the cache below. */
  private record Formatted(long second, String text) {}

  /**
   * Recently formatted seconds, direct-mapped by the low bits of the second: a server formats a
   * few files' {@code Last-Modified} on every response, and {@link DateTimeFormatter} is far
   * costlier than a lookup.
   */
  private static final java.util.concurrent.atomic.AtomicReferenceArray<Formatted> RECENT =
      new java.util.concurrent.atomic.AtomicReferenceArray<>(64);

  /**
   * The last second {@link #date} formatted: kept apart from {@link #RECENT}, where the current
   * second would share a slot with a file's modification second once every 64 seconds and then
   * the two would evict each other on every response for that second.
   */
  private static volatile Formatted current = new Formatted(Long.MIN_VALUE, "");

  /** IMF-fixdate of the current second, for {@code Date} (one formatting per second, shared). */
  public static String date(long epochSecond) {
    Formatted f = current;
    if (f.second() == epochSecond) {
      return f.text();
    }
    String text = IMF.format(Instant.ofEpochSecond(epochSecond));
    current = new Formatted(epochSecond, text);
    return text;
  }

  /** IMF-fixdate of an instant (seconds precision), e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
  public static String format(long epochSecond) {
    int slot = (int) (epochSecond & 63);
    Formatted f = RECENT.get(slot);
    if (f != null && f.second() == epochSecond) {
      return f.text();
    }
    String text = IMF.format(Instant.ofEpochSecond(epochSecond));
    RECENT.set(slot, new Formatted(epochSecond, text));
    return text;
  }

  /** Epoch seconds of an HTTP-date in any of the three forms; empty if it is not one. */
  public static OptionalLong parse(String text) {
    String s = text.strip();
    if (s.length() < 24 || s.length() > 40) {
      return OptionalLong.empty();
    }
    for (DateTimeFormatter f : new DateTimeFormatter[] {IMF, RFC850, ASCTIME}) {
      try {
        var parsed = f.withZone(ZoneOffset.UTC).parse(s);
        LocalDateTime t = LocalDateTime.of(parsed.get(ChronoField.YEAR), parsed.get(ChronoField.MONTH_OF_YEAR),
            parsed.get(ChronoField.DAY_OF_MONTH), parsed.get(ChronoField.HOUR_OF_DAY),
            parsed.get(ChronoField.MINUTE_OF_HOUR), parsed.get(ChronoField.SECOND_OF_MINUTE));
        if (t.getDayOfWeek() != DayOfWeek.of(parsed.get(ChronoField.DAY_OF_WEEK))) {
          return OptionalLong.empty();
        }
        return OptionalLong.of(t.toEpochSecond(ZoneOffset.UTC));
      } catch (java.time.DateTimeException e) {
        // try the next form
      }
    }
    return OptionalLong.empty();
  }
}
