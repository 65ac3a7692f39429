package io.bits4j;

import io.bits4j.internal.FileUserStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Users, their groups and their password verifiers, shared by the compact server (Basic and
 * Digest authentication) and the management endpoint (administrators only).
 *
 * <p>Passwords are never stored: each user has a salted PBKDF2-HMAC-SHA256 hash (at least 210,000
 * iterations). Users enabled for Digest in a realm also keep {@code H(user:realm:password)} per
 * algorithm, as {@code htdigest} does — password-equivalent for that realm, so enable Digest only
 * where it is needed. Members of {@link #ADMINISTRATORS} may manage nodes remotely.
 *
 * <pre>{@code
 * UserStore users = UserStore.file(Path.of("users.txt"));
 * users.addUser("alice", "s3cret".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of("bits4j"));
 * users.authenticate("alice", password);   // Optional[alice]
 * }</pre>
 *
 * <p>User and group names compare case-insensitively. Thread-safety: safe for use from any
 * thread; {@link #authenticate} runs the hash outside any lock.
 */
public interface UserStore {
  /** The administrators group: its members carry BA and may manage nodes. */
  String ADMINISTRATORS = "Administrators";

  /** A Digest hash algorithm (RFC 7616). */
  enum DigestAlgorithm {
    /** MD5: what older clients (and Windows BITS) use. */
    MD5("MD5"),
    /** SHA-256. */
    SHA_256("SHA-256");

    private final String token;

    DigestAlgorithm(String token) {
      this.token = token;
    }

    /** The token in {@code algorithm=} and the JCA digest name. */
    public String token() {
      return token;
    }

    /** The algorithm for a token ({@code MD5}, {@code SHA-256}, case-insensitive), if supported. */
    public static Optional<DigestAlgorithm> ofToken(String token) {
      for (DigestAlgorithm a : values()) {
        if (a.token.equalsIgnoreCase(token)) {
          return Optional.of(a);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * What the store knows of a user (no secrets).
   *
   * @param name the user name as stored
   * @param groups the user's groups
   * @param digestRealms the realms the user may use Digest in
   */
  record UserInfo(String name, Set<String> groups, Set<String> digestRealms) {
    /** Validates and copies. */
    public UserInfo {
      Objects.requireNonNull(name, "name");
      groups = Set.copyOf(groups);
      digestRealms = Set.copyOf(digestRealms);
    }

    /** True if the user is in {@link #ADMINISTRATORS}. */
    public boolean isAdministrator() {
      return groups.stream().anyMatch(g -> g.equalsIgnoreCase(ADMINISTRATORS));
    }

    /** The user's synthetic SID ({@link Principal#userSid}). */
    public String sid() {
      return Principal.userSid(name);
    }

    /** The principal this user authenticates as. */
    public Principal principal() {
      return Principal.user(name, groups, isAdministrator());
    }
  }

  /**
   * A store kept in a file, created empty if missing. Changes are written at once, atomically,
   * readable only by the owner where the file system allows; changes other processes make to the
   * file are picked up within about a second.
   *
   * @throws BitsException E_INVALIDARG if the file exists but is not a user store; E_ACCESSDENIED
   *     if it cannot be read
   */
  static UserStore file(Path path) {
    return FileUserStore.open(path);
  }

  /** A store in memory only, for tests and embedded use. */
  static UserStore inMemory() {
    return FileUserStore.inMemory();
  }

  /**
   * Checks a password: the principal if it matches, empty otherwise (unknown user or wrong
   * password; which of the two is not revealed). Costs one PBKDF2 hash.
   */
  Optional<Principal> authenticate(String user, char[] password);

  /** The principal of a known user, without checking a password (after Digest or certificate mapping). */
  Optional<Principal> principal(String user);

  /** What the store knows of a user. */
  Optional<UserInfo> findUser(String user);

  /** All users, sorted by name. */
  List<UserInfo> users();

  /**
   * Digest's {@code HA1 = H(user:realm:password)} as lower-case hex, present only for users
   * enabled for Digest in that realm.
   */
  Optional<String> digestHa1(String user, String realm, DigestAlgorithm algorithm);

  /**
   * Adds a user, or replaces one with the same name (new password, groups and realms).
   *
   * @param name 1–256 characters, no control characters or {@code :}
   * @param password the password; the caller should clear the array afterwards
   * @param groups the user's groups (add {@link #ADMINISTRATORS} for an administrator)
   * @param digestRealms realms the user may use Digest in (stores HA1 for MD5 and SHA-256)
   * @throws BitsException E_INVALIDARG for a bad name or group
   */
  void addUser(String name, char[] password, Set<String> groups, Set<String> digestRealms);

  /**
   * Replaces a user's groups, keeping the password.
   *
   * @throws BitsException E_NOT_FOUND for an unknown user
   */
  void setGroups(String name, Set<String> groups);

  /**
   * Removes a user.
   *
   * @return false if there was no such user
   */
  boolean removeUser(String name);

  /**
   * Checks a user or group name.
   *
   * @throws BitsException E_INVALIDARG for an empty name, one over 256 characters, or one with
   *     control characters or {@code :}
   */
  static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > 256 || !name.strip().equals(name)
        || name.chars().anyMatch(c -> c < 32 || c == 127 || c == ':')) {
      throw new BitsException(Hresult.E_INVALIDARG, "bad user or group name: '" + name + "'");
    }
    return name;
  }
}
