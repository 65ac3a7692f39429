package io.bits4j.client.windows.internal;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.ptr.PointerByReference;
import io.bits4j.BitsException;
import io.bits4j.Hresult;
import io.bits4j.JobSpec;
import io.bits4j.client.windows.internal.com.ComRuntime;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Conversions between COM values and bits4j values; pure functions except {@link #takeString}. */
final class ComValues {
  private ComValues() {}

  /** Seconds between 1601-01-01 (FILETIME epoch) and 1970-01-01. */
  static final long FILETIME_EPOCH_OFFSET_SECONDS = 11_644_473_600L;

  private static final Pattern HAS_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*", Pattern.DOTALL);

  /** Reads an out-string and frees it with CoTaskMemFree; null when BITS returned NULL. */
  static @Nullable String takeString(ComRuntime runtime, PointerByReference out) {
    Pointer p = out.getValue();
    if (p == null) {
      return null;
    }
    try {
      return p.getWideString(0);
    } finally {
      runtime.coTaskMemFree(p);
      out.setValue(Pointer.NULL);
    }
  }

  /** Frees an out-string a failing call may still have set (it should not; Wine's stubs vary). */
  static void freeIfSet(ComRuntime runtime, PointerByReference out) {
    Pointer p = out.getValue();
    if (p != null) {
      runtime.coTaskMemFree(p);
      out.setValue(Pointer.NULL);
    }
  }

  /** A GUID structure holding this UUID. */
  static Guid.GUID guid(UUID uuid) {
    return new Guid.GUID("{" + uuid + "}");
  }

  /** The UUID of a GUID structure. */
  static UUID uuid(Guid.GUID guid) {
    String s = guid.toGuidString();
    return UUID.fromString(s.substring(1, s.length() - 1));
  }

  /** A FILETIME (100 ns ticks since 1601, UTC) as an Instant. */
  static Instant instant(WinBase.FILETIME t) {
    return instant(((long) t.dwHighDateTime << 32) | (t.dwLowDateTime & 0xFFFF_FFFFL));
  }

  /** 100 ns ticks since 1601 as an Instant. */
  static Instant instant(long ticks) {
    long seconds = Long.divideUnsigned(ticks, 10_000_000L);
    long nanos = Long.remainderUnsigned(ticks, 10_000_000L) * 100;
    return Instant.ofEpochSecond(seconds - FILETIME_EPOCH_OFFSET_SECONDS, nanos);
  }

  /** True when a FILETIME is all zero (BITS's "not yet"). */
  static boolean isZero(WinBase.FILETIME t) {
    return t.dwHighDateTime == 0 && t.dwLowDateTime == 0;
  }

  /**
   * The remote name BITS gets for a URL: http/https URLs as checked by {@link
   * JobSpec#checkRemoteUrl}; {@code file:} URIs as the local or UNC path they name (BITS copies
   * those over SMB or the file system).
   *
   * @throws BitsException E_INVALIDARG for anything else
   */
  static String remoteName(URI url) {
    if ("file".equalsIgnoreCase(url.getScheme())) {
      try {
        return Path.of(url).toString();
      } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
        throw new BitsException(Hresult.E_INVALIDARG, "not a usable file URI: " + url);
      }
    }
    return JobSpec.checkRemoteUrl(url).toASCIIString();
  }

  /** The URL of a remote name BITS reports: URLs as they are, paths as {@code file:} URIs. */
  static URI remoteUri(String name) {
    if (HAS_SCHEME.matcher(name).matches()) {
      try {
        return new URI(name);
      } catch (URISyntaxException e) {
        // fall through: quote what is not legal
      }
      int colon = name.indexOf(':');
      try {
        return new URI(name.substring(0, colon), name.substring(colon + 1), null);
      } catch (URISyntaxException e) {
        // fall through
      }
    }
    try {
      return Path.of(name).toUri();
    } catch (InvalidPathException e) {
      try {
        return new URI(null, name, null);
      } catch (URISyntaxException e2) {
        throw new BitsException(Hresult.E_INVALIDARG, "BITS reported a remote name that is no URI: " + name);
      }
    }
  }

  /** The local path of a name BITS reports. */
  static Path localPath(String name) {
    return Path.of(name);
  }

  /** Custom headers as BITS wants them: {@code Name: value} lines, each ending in CRLF. */
  static String formatHeaders(Map<String, String> headers) {
    StringBuilder sb = new StringBuilder();
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    return sb.toString();
  }

  /** Parses BITS's custom header string back into an ordered map. */
  static Map<String, String> parseHeaders(@Nullable String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null) {
      return out;
    }
    for (String line : text.split("\r\n|\n")) {
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        out.put(line.strip(), "");
      } else {
        out.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
    }
    return out;
  }

  /** An unsigned 32-bit count of seconds. */
  static long unsignedSeconds(int value) {
    return Integer.toUnsignedLong(value);
  }

  /** Lower-case hex for logs. */
  static String hex(int hr) {
    return String.format(Locale.ROOT, "0x%08X", hr);
  }

  /** Empty for a blank string. */
  static Optional<String> nonBlank(@Nullable String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
  }
}
