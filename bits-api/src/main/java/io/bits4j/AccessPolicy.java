package io.bits4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Who may download a hosted URL: the subset of SDDL the BITS Compact Server takes per URL.
 *
 * <p>Grammar: the empty string (no check: everyone, anonymous included, may download, as the
 * Compact Server does), or {@code D:} followed by optional DACL flags ({@code P}, {@code AI},
 * {@code AR}) and access-control entries {@code (type;flags;rights;;;trustee)} where
 *
 * <ul>
 *   <li>type is {@code A} (allow) or {@code D} (deny);
 *   <li>flags are ACE inheritance flags ({@code OI CI NP IO ID}), accepted and ignored;
 *   <li>rights are a concatenation of {@code GA GR GX GW FA FR FX FW} or a hex mask {@code
 *       0x…};
 *   <li>trustee is {@code WD} (Everyone), {@code AU} (authenticated users), {@code AN}
 *       (anonymous), {@code BA} (administrators), {@code BU} (users) or a SID {@code S-1-…}
 *       (its parts are decimal numbers, so {@code S-1-5-07} is {@code S-1-5-7}, as on Windows).
 * </ul>
 *
 * <p>Evaluation follows Windows: entries in order; a deny entry that matches the principal and
 * any still-wanted right denies; allow entries accumulate rights until the wanted rights are all
 * granted; running out of entries denies. So {@code D:} (no entries) denies everyone. A download
 * wants read: {@code GA}, {@code GR}, {@code FA}, {@code FR} or {@code FILE_READ_DATA} (0x1) grant
 * it. See {@link Principal} for the SIDs a principal carries.
 *
 * <pre>{@code
 * AccessPolicy p = AccessPolicy.parse("D:(D;;GA;;;AN)(A;;GR;;;AU)");
 * p.allowsDownload(Principal.ANONYMOUS);        // false
 * p.allowsDownload(Principal.user("alice", Set.of(), false));  // true
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class AccessPolicy {
  /** {@code FILE_READ_DATA}: the right a download needs. */
  public static final int FILE_READ_DATA = 0x1;
  /** {@code GENERIC_ALL}. */
  public static final int GENERIC_ALL = 0x10000000;
  /** {@code GENERIC_EXECUTE}. */
  public static final int GENERIC_EXECUTE = 0x20000000;
  /** {@code GENERIC_WRITE}. */
  public static final int GENERIC_WRITE = 0x40000000;
  /** {@code GENERIC_READ}. */
  public static final int GENERIC_READ = 0x80000000;
  /** {@code FILE_ALL_ACCESS}. */
  public static final int FILE_ALL_ACCESS = 0x001F01FF;
  /** {@code FILE_GENERIC_READ}. */
  public static final int FILE_GENERIC_READ = 0x00120089;
  /** {@code FILE_GENERIC_WRITE}. */
  public static final int FILE_GENERIC_WRITE = 0x00120116;
  /** {@code FILE_GENERIC_EXECUTE}. */
  public static final int FILE_GENERIC_EXECUTE = 0x001200A0;

  /** The empty policy: no access check at all. */
  public static final AccessPolicy NONE = new AccessPolicy("", List.of(), false);

  private static final Map<String, Integer> RIGHTS = Map.of(
      "GA", GENERIC_ALL, "GR", GENERIC_READ, "GX", GENERIC_EXECUTE, "GW", GENERIC_WRITE,
      "FA", FILE_ALL_ACCESS, "FR", FILE_GENERIC_READ, "FX", FILE_GENERIC_EXECUTE, "FW", FILE_GENERIC_WRITE);

  private static final Map<String, String> TRUSTEES = Map.of(
      "WD", Principal.EVERYONE_SID, "AU", Principal.AUTHENTICATED_USERS_SID,
      "AN", Principal.ANONYMOUS_SID, "BA", Principal.ADMINISTRATORS_SID, "BU", Principal.USERS_SID);

  /**
   * One access-control entry.
   *
   * @param allow true for {@code A}, false for {@code D}
   * @param mask the rights with generic rights mapped to file rights
   * @param sid the trustee's SID, in canonical form (no leading zeros)
   */
  public record Ace(boolean allow, int mask, String sid) {
    /** Validates the SID. */
    public Ace {
      Objects.requireNonNull(sid, "sid");
    }
  }

  private final String sddl;
  private final List<Ace> aces;
  private final boolean checked;

  private AccessPolicy(String sddl, List<Ace> aces, boolean checked) {
    this.sddl = sddl;
    this.aces = List.copyOf(aces);
    this.checked = checked;
  }

  /**
   * Parses an SDDL string of the subset above.
   *
   * @throws BitsException E_INVALIDARG naming the offending position
   */
  public static AccessPolicy parse(String sddl) {
    Objects.requireNonNull(sddl, "sddl");
    String s = sddl.strip();
    if (s.isEmpty()) {
      return NONE;
    }
    int lead = sddl.indexOf(s.charAt(0));
    try {
      return parseStripped(s);
    } catch (Located e) {
      throw bad(sddl, lead + e.pos, e.getMessage());
    }
  }

  /** A parse error at a position of the stripped text; rethrown with the caller's offset. */
  private static final class Located extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int pos;

    Located(int pos, String why) {
      super(why, null, false, false);
      this.pos = pos;
    }
  }

  private static AccessPolicy parseStripped(String s) {
    if (!s.startsWith("D:")) {
      throw located(0, "expected 'D:' (only a DACL is supported)");
    }
    int i = 2;
    // DACL flags
    while (i < s.length() && s.charAt(i) != '(') {
      if (s.startsWith("AI", i) || s.startsWith("AR", i)) {
        i += 2;
      } else if (s.charAt(i) == 'P') {
        i += 1;
      } else {
        throw located(i, "unknown DACL flag");
      }
    }
    List<Ace> aces = new ArrayList<>();
    while (i < s.length()) {
      if (s.charAt(i) != '(') {
        throw located(i, "expected '(' to start an ACE");
      }
      int close = s.indexOf(')', i);
      if (close < 0) {
        throw located(i, "ACE is not closed with ')'");
      }
      Ace ace = parseAce(s.substring(i + 1, close), i + 1);
      if (ace != null) {
        aces.add(ace);
      }
      i = close + 1;
    }
    return new AccessPolicy(s, aces, true);
  }

  /** An entry, or null for an inherit-only one ({@code IO}): it applies to children, never to the object itself. */
  private static @Nullable Ace parseAce(String body, int start) {
    String[] f = body.split(";", -1);
    if (f.length != 6) {
      throw located(start, "an ACE has 6 fields separated by ';', found " + f.length);
    }
    int pos = start;
    boolean allow;
    if (f[0].equals("A")) {
      allow = true;
    } else if (f[0].equals("D")) {
      allow = false;
    } else {
      throw located(pos, "ACE type must be A or D");
    }
    pos += f[0].length() + 1;
    for (int k = 0; k < f[1].length(); k += 2) {
      String flag = f[1].substring(k, Math.min(k + 2, f[1].length()));
      if (!List.of("OI", "CI", "NP", "IO", "ID").contains(flag)) {
        throw located(pos + k, "unknown ACE flag");
      }
    }
    pos += f[1].length() + 1;
    int mask = parseRights(f[2], pos);
    pos += f[2].length() + 1;
    if (!f[3].isEmpty()) {
      throw located(pos, "object GUIDs are not supported");
    }
    pos += f[3].length() + 1;
    if (!f[4].isEmpty()) {
      throw located(pos, "inherit-object GUIDs are not supported");
    }
    pos += f[4].length() + 1;
    String sid = parseTrustee(f[5], pos);
    // Windows skips inherit-only entries when it checks access to the object itself (a folder's
    // SDDL pasted here must not grant what it grants only to the folder's children)
    return flagsInclude(f[1], "IO") ? null : new Ace(allow, mask, sid);
  }

  private static boolean flagsInclude(String flags, String flag) {
    for (int k = 0; k + 1 < flags.length(); k += 2) {
      if (flags.startsWith(flag, k)) {
        return true;
      }
    }
    return false;
  }

  private static int parseRights(String r, int pos) {
    if (r.isEmpty()) {
      throw located(pos, "ACE has no rights");
    }
    if (r.startsWith("0x") || r.startsWith("0X")) {
      String hex = r.substring(2);
      if (hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(
          c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        throw located(pos, "bad hex rights mask");
      }
      return mapGeneric((int) Long.parseLong(hex, 16));
    }
    if (r.length() % 2 != 0) {
      throw located(pos + r.length() - 1, "rights are two-letter codes");
    }
    int mask = 0;
    for (int k = 0; k < r.length(); k += 2) {
      Integer m = RIGHTS.get(r.substring(k, k + 2));
      if (m == null) {
        throw located(pos + k, "unknown right '" + r.substring(k, k + 2) + "' (GA GR GX GW FA FR FX FW or 0x…)");
      }
      mask |= m;
    }
    return mapGeneric(mask);
  }

  private static String parseTrustee(String t, int pos) {
    String sid = TRUSTEES.get(t);
    if (sid != null) {
      return sid;
    }
    if (t.startsWith("S-1-")) {
      String[] parts = t.substring(4).split("-", -1);
      StringBuilder canonical = new StringBuilder("S-1");
      for (String p : parts) {
        if (p.isEmpty() || p.length() > 10 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
            || Long.parseLong(p) > 0xFFFF_FFFFL) {
          throw located(pos, "malformed SID");
        }
        // Windows reads each part as a number: S-1-5-07 is S-1-5-7.
        canonical.append('-').append(Long.parseLong(p));
      }
      if (parts.length < 2 || parts.length > 16) {
        throw located(pos, "malformed SID");
      }
      return canonical.toString();
    }
    throw located(pos, "unknown trustee '" + t + "' (WD AU AN BA BU or S-1-…)");
  }

  /** Maps generic rights to their file-specific meaning, as the file system does. */
  private static int mapGeneric(int mask) {
    int m = mask & ~(GENERIC_ALL | GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE);
    if ((mask & GENERIC_ALL) != 0) {
      m |= FILE_ALL_ACCESS;
    }
    if ((mask & GENERIC_READ) != 0) {
      m |= FILE_GENERIC_READ;
    }
    if ((mask & GENERIC_WRITE) != 0) {
      m |= FILE_GENERIC_WRITE;
    }
    if ((mask & GENERIC_EXECUTE) != 0) {
      m |= FILE_GENERIC_EXECUTE;
    }
    return m;
  }

  /** True if this is the empty policy (no check). */
  public boolean isUnchecked() {
    return !checked;
  }

  /**
   * The entries, in evaluation order (generic rights already mapped to file rights); inherit-only
   * entries ({@code IO}) are not among them, as they do not apply to the object itself.
   */
  public List<Ace> aces() {
    return aces;
  }

  /** The SDDL text (stripped), {@code ""} for no check. */
  public String sddl() {
    return sddl;
  }

  /** True if the principal may download: it is granted {@link #FILE_READ_DATA}. */
  public boolean allowsDownload(Principal principal) {
    return allows(principal, FILE_READ_DATA);
  }

  /**
   * True if the principal is granted every right in {@code desired} (generic rights are mapped to
   * file rights first), evaluating the entries in order as Windows does.
   */
  public boolean allows(Principal principal, int desired) {
    Objects.requireNonNull(principal, "principal");
    if (!checked) {
      return true;
    }
    int remaining = mapGeneric(desired);
    if (remaining == 0) {
      return true;
    }
    for (Ace ace : aces) {
      if (!principal.hasSid(ace.sid())) {
        continue;
      }
      if (!ace.allow()) {
        if ((ace.mask() & remaining) != 0) {
          return false;
        }
      } else {
        remaining &= ~ace.mask();
        if (remaining == 0) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AccessPolicy p && p.sddl.equals(sddl);
  }

  @Override
  public int hashCode() {
    return sddl.hashCode();
  }

  /** The SDDL text, or {@code ""}. */
  @Override
  public String toString() {
    return sddl;
  }

  private static Located located(int pos, String why) {
    return new Located(pos, why);
  }

  private static BitsException bad(String sddl, int pos, String why) {
    return new BitsException(Hresult.E_INVALIDARG,
        String.format(Locale.ROOT, "invalid SDDL at position %d: %s: '%s'", pos, why, sddl));
  }
}
