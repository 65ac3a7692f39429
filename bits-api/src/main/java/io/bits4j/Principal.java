package io.bits4j;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Who is asking: the identity an {@link AccessPolicy} is evaluated against.
 *
 * <p>Security identifiers follow Windows: an anonymous request carries only {@link #ANONYMOUS_SID}
 * (AN) — Everyone (WD) does <em>not</em> include anonymous, as on Windows since XP. Every
 * authenticated user carries {@link #AUTHENTICATED_USERS_SID} (AU), {@link #EVERYONE_SID} (WD),
 * {@link #USERS_SID} (BU), a stable synthetic domain SID derived from the user name ({@link
 * #userSid}), one synthetic SID per group ({@link #groupSid}), and members of the administrators
 * group also {@link #ADMINISTRATORS_SID} (BA).
 *
 * <pre>{@code
 * Principal alice = Principal.user("alice", Set.of("Engineers"), false);
 * policy.allowsDownload(alice);
 * }</pre>
 *
 * @param name the user name, certificate subject, or {@code anonymous}
 * @param authenticated false only for anonymous requests
 * @param sids the SIDs the principal carries, as {@code S-1-…} strings
 * @param groups the group names (from the {@link UserStore})
 */
public record Principal(String name, boolean authenticated, Set<String> sids, Set<String> groups) {
  /** Everyone (WD): every authenticated principal. */
  public static final String EVERYONE_SID = "S-1-1-0";
  /** Anonymous logon (AN). */
  public static final String ANONYMOUS_SID = "S-1-5-7";
  /** Authenticated users (AU). */
  public static final String AUTHENTICATED_USERS_SID = "S-1-5-11";
  /** Built-in administrators (BA). */
  public static final String ADMINISTRATORS_SID = "S-1-5-32-544";
  /** Built-in users (BU). */
  public static final String USERS_SID = "S-1-5-32-545";

  /** The anonymous principal. */
  public static final Principal ANONYMOUS =
      new Principal("anonymous", false, Set.of(ANONYMOUS_SID), Set.of());

  /** Validates and copies the sets. */
  public Principal {
    Objects.requireNonNull(name, "name");
    sids = Set.copyOf(sids);
    groups = Set.copyOf(groups);
  }

  /**
   * An authenticated user with the SIDs described above.
   *
   * @param name the user name
   * @param groups the user's groups
   * @param administrator whether the user is in the administrators group (adds BA)
   */
  public static Principal user(String name, Set<String> groups, boolean administrator) {
    Objects.requireNonNull(name, "name");
    Set<String> sids = new LinkedHashSet<>();
    sids.add(EVERYONE_SID);
    sids.add(AUTHENTICATED_USERS_SID);
    sids.add(USERS_SID);
    sids.add(userSid(name));
    for (String g : groups) {
      sids.add(groupSid(g));
    }
    if (administrator) {
      sids.add(ADMINISTRATORS_SID);
    }
    return new Principal(name, true, sids, groups);
  }

  /** True if the principal carries BA (built-in administrators). */
  public boolean isAdministrator() {
    return sids.contains(ADMINISTRATORS_SID);
  }

  /** True if the principal carries this SID. */
  public boolean hasSid(String sid) {
    return sids.contains(sid);
  }

  /**
   * The stable synthetic SID of a user name (case-insensitive): {@code S-1-5-21-a-b-c-rid},
   * derived from SHA-256 of the lower-case name. Use it in SDDL to name one user.
   */
  public static String userSid(String userName) {
    return syntheticSid("user:", userName);
  }

  /** The stable synthetic SID of a group name (case-insensitive), like {@link #userSid}. */
  public static String groupSid(String groupName) {
    return syntheticSid("group:", groupName);
  }

  private static String syntheticSid(String kind, String name) {
    byte[] h;
    try {
      h = MessageDigest.getInstance("SHA-256")
          .digest((kind + name.toLowerCase(Locale.ROOT)).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
    return "S-1-5-21-" + u32(h, 0) + "-" + u32(h, 4) + "-" + u32(h, 8) + "-" + (1000 + (u32(h, 12) % 0x7FFF_FC17L));
  }

  private static long u32(byte[] b, int off) {
    return ((b[off] & 0xFFL) << 24) | ((b[off + 1] & 0xFFL) << 16) | ((b[off + 2] & 0xFFL) << 8) | (b[off + 3] & 0xFFL);
  }

  @Override
  public String toString() {
    return authenticated ? name : "anonymous";
  }
}
