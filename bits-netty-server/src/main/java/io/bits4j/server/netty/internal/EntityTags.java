package io.bits4j.server.netty.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Entity tags (RFC 9110 §8.8.3): parsing of {@code If-Match}/{@code If-None-Match} lists and the
 * strong and weak comparison functions. Pure Java; thread-safe.
 */
public final class EntityTags {
  private EntityTags() {}

  /**
   * One entity tag.
   *
   * @param weak true for {@code W/"…"}
   * @param opaque the quoted part including its quotes
   */
  public record Tag(boolean weak, String opaque) {
    /** Strong comparison: both strong and equal opaque tags. */
    public boolean strongMatch(Tag other) {
      return !weak && !other.weak && opaque.equals(other.opaque);
    }

    /** Weak comparison: equal opaque tags. */
    public boolean weakMatch(Tag other) {
      return opaque.equals(other.opaque);
    }

    @Override
    public String toString() {
      return weak ? "W/" + opaque : opaque;
    }
  }

  /**
   * A parsed list: {@code *}, or entity tags; {@code null} tags means the list is malformed.
   *
   * @param any true for {@code *}
   * @param tags the tags (empty when {@code any})
   */
  public record TagList(boolean any, List<Tag> tags) {}

  /** Parses one entity tag (surrounding whitespace allowed); empty if malformed. */
  public static Optional<Tag> parseTag(String text) {
    String s = text.strip();
    boolean weak = false;
    if (s.startsWith("W/")) {
      weak = true;
      s = s.substring(2);
    }
    if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
      return Optional.empty();
    }
    for (int i = 1; i < s.length() - 1; i++) {
      char c = s.charAt(i);
      if (!(c == 0x21 || (c >= 0x23 && c <= 0x7E) || c >= 0x80)) {
        return Optional.empty();
      }
    }
    return Optional.of(new Tag(weak, s));
  }

  /**
   * Parses the field lines of an {@code If-Match} or {@code If-None-Match} header.
   *
   * @return the list, or empty if any element is malformed
   */
  public static Optional<TagList> parseList(List<String> fieldLines) {
    List<Tag> tags = new ArrayList<>();
    boolean any = false;
    for (String line : fieldLines) {
      int i = 0;
      int n = line.length();
      while (i < n) {
        char c = line.charAt(i);
        if (c == ' ' || c == '\t' || c == ',') {
          i++;
          continue;
        }
        if (c == '*') {
          any = true;
          i++;
          continue;
        }
        int start = i;
        if (line.startsWith("W/", i)) {
          i += 2;
        }
        if (i >= n || line.charAt(i) != '"') {
          return Optional.empty();
        }
        int close = line.indexOf('"', i + 1);
        if (close < 0) {
          return Optional.empty();
        }
        Optional<Tag> t = parseTag(line.substring(start, close + 1));
        if (t.isEmpty()) {
          return Optional.empty();
        }
        tags.add(t.get());
        i = close + 1;
        if (i < n && line.charAt(i) != ',' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
          return Optional.empty();
        }
      }
    }
    if (any && !tags.isEmpty()) {
      return Optional.empty();
    }
    if (!any && tags.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new TagList(any, List.copyOf(tags)));
  }
}
