package io.bits4j.wsman.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * WMI value encodings over WS-Man (MS-WSMV §3.1.4.1.26): integers in decimal, booleans {@code
 * true}/{@code false}, arrays as repeated elements, null as {@code xsi:nil}; FILETIME-packed
 * uint64 times. Also reads a method's {@code _INPUT} parameters by name.
 */
public final class Wmi {
  private Wmi() {}

  /** 100-ns intervals between 1601-01-01 and 1970-01-01. */
  private static final long FILETIME_EPOCH_OFFSET = 116_444_736_000_000_000L;

  /** An Instant as a FILETIME (unsigned 64-bit 100-ns intervals since 1601). */
  public static long toFiletime(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 10_000_000L), t.getNano() / 100 + FILETIME_EPOCH_OFFSET);
  }

  public static Instant fromFiletime(long filetime) {
    long rel = filetime - FILETIME_EPOCH_OFFSET;
    return Instant.ofEpochSecond(Math.floorDiv(rel, 10_000_000L), Math.floorMod(rel, 10_000_000L) * 100);
  }

  /** Unsigned decimal text of a uint32 held in an int. */
  public static String u32(int v) {
    return Integer.toUnsignedString(v);
  }

  /** Unsigned decimal text of a uint64 held in a long. */
  public static String u64(long v) {
    return Long.toUnsignedString(v);
  }

  /** A method's input parameters, looked up case-insensitively. */
  public static final class Params {
    private final Map<String, List<XmlElement>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    public Params(@Nullable XmlElement input) {
      if (input != null) {
        for (XmlElement c : input.children()) {
          byName.computeIfAbsent(c.localName(), k -> new ArrayList<>()).add(c);
        }
      }
    }

    private @Nullable XmlElement one(String name) throws WsmanFault {
      List<XmlElement> l = byName.get(name);
      if (l == null || l.isEmpty()) {
        return null;
      }
      if (l.size() > 1) {
        throw WsmanFault.schemaValidation("Parameter " + name + " is not an array but appears " + l.size() + " times");
      }
      return l.get(0);
    }

    /** A string parameter; empty if absent or nil. */
    public Optional<String> string(String name) throws WsmanFault {
      XmlElement e = one(name);
      return e == null || e.isNil() ? Optional.empty() : Optional.of(e.text());
    }

    public String requiredString(String name) throws WsmanFault {
      return string(name).orElseThrow(() -> missing(name));
    }

    /** An unsigned integer parameter of at most {@code max}. */
    public Optional<Long> unsigned(String name, long max) throws WsmanFault {
      Optional<String> s = string(name);
      if (s.isEmpty()) {
        return Optional.empty();
      }
      try {
        long v = Long.parseLong(s.get().strip());
        if (v < 0 || v > max) {
          throw WsmanFault.schemaValidation("Parameter " + name + " is out of range: " + s.get());
        }
        return Optional.of(v);
      } catch (NumberFormatException e) {
        throw WsmanFault.schemaValidation("Parameter " + name + " is not an unsigned integer: " + s.get());
      }
    }

    public long requiredUnsigned(String name, long max) throws WsmanFault {
      return unsigned(name, max).orElseThrow(() -> missing(name));
    }

    public Optional<Boolean> bool(String name) throws WsmanFault {
      Optional<String> s = string(name);
      if (s.isEmpty()) {
        return Optional.empty();
      }
      switch (s.get().strip().toLowerCase(Locale.ROOT)) {
        case "true":
        case "1":
          return Optional.of(true);
        case "false":
        case "0":
          return Optional.of(false);
        default:
          throw WsmanFault.schemaValidation("Parameter " + name + " is not a boolean: " + s.get());
      }
    }

    public boolean requiredBool(String name) throws WsmanFault {
      return bool(name).orElseThrow(() -> missing(name));
    }

    /** A uint8[] parameter (repeated elements); empty if absent or nil. */
    public byte[] bytes(String name) throws WsmanFault {
      List<XmlElement> l = byName.getOrDefault(name, List.of());
      if (l.size() == 1 && l.get(0).isNil()) {
        return new byte[0];
      }
      if (l.size() > 65_536) {
        throw WsmanFault.schemaValidation("Parameter " + name + " is too long");
      }
      byte[] out = new byte[l.size()];
      for (int i = 0; i < out.length; i++) {
        try {
          int v = Integer.parseInt(l.get(i).text().strip());
          if (v < 0 || v > 255) {
            throw new NumberFormatException();
          }
          out[i] = (byte) v;
        } catch (NumberFormatException e) {
          throw WsmanFault.schemaValidation("Parameter " + name + " is not a uint8 array");
        }
      }
      return out;
    }

    /** A string[] parameter (repeated elements). */
    public List<String> strings(String name) {
      List<String> out = new ArrayList<>();
      for (XmlElement e : byName.getOrDefault(name, List.of())) {
        if (!e.isNil()) {
          out.add(e.text());
        }
      }
      return out;
    }

    private static WsmanFault missing(String name) {
      return WsmanFault.schemaValidation("Missing parameter " + name);
    }
  }
}
