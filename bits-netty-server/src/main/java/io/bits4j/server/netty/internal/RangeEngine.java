package io.bits4j.server.netty.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Decides the answer to a GET or HEAD for a static file: preconditions (RFC 9110 §13.2.2), If-Range
 * and Range (RFC 9110 §14, anchors.md R1–R21), as a {@link Plan} of status, headers and body
 * segments. No Netty, no I/O: the caller writes the plan. Thread-safe (stateless).
 *
 * <p>Decisions beyond the RFC: a malformed Range or another unit is ignored (200); more than
 * {@value ByteRanges#MAX_RANGE_SPECS} range-specs, or satisfiable ranges adding up to more than
 * the file, are ignored (200); a zero-length file is always 200; HEAD is always answered with the
 * headers of a 200; If-Range matches a strong ETag or an exactly equal, strong Last-Modified only;
 * overlapping ranges are served as asked (not coalesced); multipart parts carry only
 * Content-Type and Content-Range, with no CRLF before the first boundary.
 */
public final class RangeEngine {
  private RangeEngine() {}

  /** The media type of every hosted file and of every multipart part. */
  public static final String OCTET_STREAM = "application/octet-stream";

  /** The request's header lines by name (case-insensitive), each field line one element. */
  @FunctionalInterface
  public interface Headers {
    /** All field lines of a header, in order; empty if absent. */
    List<String> all(String name);

    /** Headers from a map of lower-case names. */
    static Headers of(Map<String, List<String>> lowerCaseNames) {
      return name -> lowerCaseNames.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of());
    }
  }

  /**
   * The selected representation: the file as one fstat saw it.
   *
   * @param length size in bytes
   * @param lastModifiedSecond mtime, epoch seconds
   * @param etag strong entity tag with its quotes
   * @param lastModifiedStrong false if a {@code Last-Modified} of this second may have gone out
   *     before the second was over: the file may have changed again within it, so the date does
   *     not identify one version and an {@code If-Range} date never matches (RFC 9110, sections
   *     8.8.2.2 and 13.1.5)
   */
  public record Representation(long length, long lastModifiedSecond, String etag, boolean lastModifiedStrong) {
    /** A representation whose Last-Modified is a strong validator. */
    public Representation(long length, long lastModifiedSecond, String etag) {
      this(length, lastModifiedSecond, etag, true);
    }

    /** This representation with a weak Last-Modified. */
    public Representation withWeakLastModified() {
      return lastModifiedStrong ? new Representation(length, lastModifiedSecond, etag, false) : this;
    }

    /**
     * Checks the entity tag once, where the representation is made (a server makes one per file
     * version, not per request).
     *
     * @throws IllegalArgumentException if {@code etag} is not a strong entity tag without
     *     surrounding whitespace
     */
    public Representation {
      java.util.Objects.requireNonNull(etag, "etag");
      Optional<EntityTags.Tag> t = EntityTags.parseTag(etag);
      if (t.isEmpty() || t.get().weak() || !t.get().opaque().equals(etag)) {
        throw new IllegalArgumentException("not a strong entity tag: " + etag);
      }
    }
  }

  /** A piece of the body: literal bytes or a slice of the file. */
  public sealed interface Segment permits Bytes, FileSlice {
    /** Bytes this segment contributes. */
    long length();
  }

  /**
   * Literal bytes (multipart framing).
   *
   * @param data the bytes (not copied; do not modify)
   */
  public record Bytes(byte[] data) implements Segment {
    @Override
    public long length() {
      return data.length;
    }
  }

  /**
   * A slice of the file.
   *
   * @param offset first byte
   * @param length byte count
   */
  public record FileSlice(long offset, long length) implements Segment {}

  /**
   * What to send.
   *
   * @param status HTTP status
   * @param headers header name/value pairs, in order
   * @param body the body segments of a GET (also computed for HEAD, for its Content-Length)
   * @param contentLength the sum of the body segments' lengths
   * @param sendBody false for HEAD and for bodiless statuses (304)
   * @param ranges the satisfied ranges {first, last} of a 206, for logging
   */
  public record Plan(int status, List<Map.Entry<String, String>> headers, List<Segment> body,
      long contentLength, boolean sendBody, List<long[]> ranges) {
    /** The first value of a header (case-insensitive), if present. */
    public Optional<String> header(String name) {
      for (Map.Entry<String, String> e : headers) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return Optional.of(e.getValue());
        }
      }
      return Optional.empty();
    }
  }

  /**
   * Plans the answer.
   *
   * @param head true for HEAD, false for GET
   * @param h the request headers
   * @param rep the file
   * @param boundary the multipart boundary to use if several ranges are served (1–70 chars of
   *     {@code [0-9A-Za-z]})
   */
  public static Plan plan(boolean head, Headers h, Representation rep, String boundary) {
    return plan(head, h, rep, () -> boundary);
  }

  /**
   * Plans the answer, asking for a multipart boundary only if several ranges are served (a
   * random one costs more than the rest of a one-range plan).
   */
  public static Plan plan(boolean head, Headers h, Representation rep,
      java.util.function.Supplier<String> boundaries) {
    EntityTags.Tag current = new EntityTags.Tag(false, rep.etag()); // checked by Representation
    // RFC 9110 §13.2.2 step 1-2
    List<String> ifMatch = h.all("If-Match");
    if (!ifMatch.isEmpty()) {
      Optional<EntityTags.TagList> list = EntityTags.parseList(ifMatch);
      boolean ok = list.isPresent()
          && (list.get().any() || list.get().tags().stream().anyMatch(t -> t.strongMatch(current)));
      if (!ok) {
        return bodiless(412, rep, false);
      }
    } else {
      OptionalLong ius = date(h, "If-Unmodified-Since");
      if (ius.isEmpty()) {
        ius = date(h, "Unless-Modified-Since"); // legacy alias sent by IE-family clients (anchors P7)
      }
      if (ius.isPresent() && rep.lastModifiedSecond() > ius.getAsLong()) {
        return bodiless(412, rep, false);
      }
    }
    // step 3-4
    List<String> ifNoneMatch = h.all("If-None-Match");
    if (!ifNoneMatch.isEmpty()) {
      Optional<EntityTags.TagList> list = EntityTags.parseList(ifNoneMatch);
      if (list.isPresent()
          && (list.get().any() || list.get().tags().stream().anyMatch(t -> t.weakMatch(current)))) {
        return bodiless(304, rep, true);
      }
    } else {
      OptionalLong ims = date(h, "If-Modified-Since");
      if (ims.isPresent() && rep.lastModifiedSecond() <= ims.getAsLong()) {
        return bodiless(304, rep, true);
      }
    }
    // step 5: Range (GET only) and If-Range
    List<String> rangeLines = h.all("Range");
    if (head || rangeLines.isEmpty() || rep.length() == 0) {
      return full(head, rep);
    }
    List<String> ifRange = h.all("If-Range");
    if (!ifRange.isEmpty() && !ifRangeMatches(ifRange, rep, current)) {
      return full(false, rep);
    }
    ByteRanges.Parsed parsed = ByteRanges.parse(String.join(",", rangeLines));
    if (parsed.kind() != ByteRanges.Kind.SPECS) {
      return full(false, rep);
    }
    long len = rep.length();
    List<long[]> satisfied = new ArrayList<>();
    long sum = 0;
    for (ByteRanges.Spec s : parsed.specs()) {
      long first;
      long last;
      if (s.isSuffix()) {
        if (s.suffixLength() == 0) {
          continue;
        }
        first = s.suffixLength() >= len ? 0 : len - s.suffixLength();
        last = len - 1;
      } else {
        if (s.first() >= len) {
          continue;
        }
        first = s.first();
        last = Math.min(s.last(), len - 1);
      }
      satisfied.add(new long[] {first, last});
      sum += last - first + 1; // each term <= len, at most 500 terms: stays below 2^63 only if checked
      if (sum > len || sum < 0) {
        return full(false, rep);
      }
    }
    if (satisfied.isEmpty()) {
      List<Map.Entry<String, String>> hs = new ArrayList<>();
      hs.add(Map.entry("Content-Range", "bytes */" + len));
      hs.add(Map.entry("Content-Length", "0"));
      return new Plan(416, List.copyOf(hs), List.of(), 0, true, List.of());
    }
    if (satisfied.size() == 1) {
      long[] r = satisfied.get(0);
      long n = r[1] - r[0] + 1;
      // the common answer, built without intermediate lists
      List<Map.Entry<String, String>> hs = List.of(
          Map.entry("Content-Type", OCTET_STREAM),
          Map.entry("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + len),
          Map.entry("Content-Length", Long.toString(n)),
          Map.entry("Accept-Ranges", "bytes"),
          Map.entry("ETag", rep.etag()),
          Map.entry("Last-Modified", HttpDates.format(rep.lastModifiedSecond())));
      return new Plan(206, hs, List.of(new FileSlice(r[0], n)), n, true, List.of(r));
    }
    String boundary = boundaries.get();
    List<Segment> body = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < satisfied.size(); i++) {
      long[] r = satisfied.get(i);
      String partHead = (i == 0 ? "" : "\r\n") + "--" + boundary + "\r\n"
          + "Content-Type: " + OCTET_STREAM + "\r\n"
          + "Content-Range: bytes " + r[0] + "-" + r[1] + "/" + len + "\r\n\r\n";
      byte[] ph = partHead.getBytes(StandardCharsets.US_ASCII);
      body.add(new Bytes(ph));
      body.add(new FileSlice(r[0], r[1] - r[0] + 1));
      total += ph.length + (r[1] - r[0] + 1);
    }
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    body.add(new Bytes(tail));
    total += tail.length;
    List<Map.Entry<String, String>> hs = new ArrayList<>();
    hs.add(Map.entry("Content-Type", "multipart/byteranges; boundary=" + boundary));
    hs.add(Map.entry("Content-Length", Long.toString(total)));
    hs.add(Map.entry("Accept-Ranges", "bytes"));
    validators(hs, rep);
    return new Plan(206, List.copyOf(hs), List.copyOf(body), total, true, List.copyOf(satisfied));
  }

  private static boolean ifRangeMatches(List<String> lines, Representation rep, EntityTags.Tag current) {
    if (lines.size() != 1) {
      return false;
    }
    String v = lines.get(0).strip();
    if (v.startsWith("\"") || v.startsWith("W/")) {
      return EntityTags.parseTag(v).map(t -> t.strongMatch(current)).orElse(false);
    }
    OptionalLong d = HttpDates.parse(v);
    return d.isPresent() && rep.lastModifiedStrong() && d.getAsLong() == rep.lastModifiedSecond();
  }

  private static OptionalLong date(Headers h, String name) {
    List<String> lines = h.all(name);
    if (lines.size() != 1) {
      return OptionalLong.empty();
    }
    return HttpDates.parse(lines.get(0));
  }

  private static Plan full(boolean head, Representation rep) {
    List<Map.Entry<String, String>> hs = new ArrayList<>();
    hs.add(Map.entry("Content-Type", OCTET_STREAM));
    hs.add(Map.entry("Content-Length", Long.toString(rep.length())));
    hs.add(Map.entry("Accept-Ranges", "bytes"));
    validators(hs, rep);
    List<Segment> body = rep.length() == 0 ? List.of() : List.of(new FileSlice(0, rep.length()));
    return new Plan(200, List.copyOf(hs), body, rep.length(), !head, List.of());
  }

  private static Plan bodiless(int status, Representation rep, boolean validators) {
    List<Map.Entry<String, String>> hs = new ArrayList<>();
    if (validators) {
      validators(hs, rep);
    } else {
      hs.add(Map.entry("Content-Length", "0"));
    }
    return new Plan(status, List.copyOf(hs), List.of(), 0, status != 304, List.of());
  }

  private static void validators(List<Map.Entry<String, String>> hs, Representation rep) {
    hs.add(Map.entry("ETag", rep.etag()));
    hs.add(Map.entry("Last-Modified", HttpDates.format(rep.lastModifiedSecond())));
  }
}
