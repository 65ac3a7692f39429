package io.bits4j.internal;

import io.bits4j.BitsException;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.Principal;
import io.bits4j.UserStore;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * {@link UserStore} in a tab-separated text file (or in memory). Each change rewrites the file
 * through a temporary file and an atomic move; reads use an immutable snapshot.
 *
 * <p>Changes from several stores on the same file, in this process or in others, never lose one
 * another: a change holds an exclusive lock on the sibling file {@code .NAME.lock} (and, within
 * the process, one lock shared by all file stores, because file locks belong to the process),
 * reads the file afresh, applies itself and writes the file before it lets go.
 *
 * <p>Format, one record a line, fields percent-encoded:
 *
 * <pre>
 * user    NAME  pbkdf2-sha256  ITERATIONS  SALT(base64)  HASH(base64)  GROUP,GROUP
 * digest  NAME  REALM  ALGORITHM  HA1(hex)
 * </pre>
 */
public final class FileUserStore implements UserStore {
  /** PBKDF2 iterations for new hashes (OWASP 2023 for PBKDF2-HMAC-SHA256). */
  public static final int ITERATIONS = 210_000;

  private static final String HEADER = "# bits4j user store v1";
  private static final long RECHECK_NANOS = 1_000_000_000L;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Held by a file store while it changes its file; file locks do not exclude threads of one process. */
  private static final Object FILE_CHANGES = new Object();
  /** The length of a PBKDF2 hash this store makes and checks: 256 bits. */
  private static final int HASH_BYTES = 32;

  private record User(
      String name, int iterations, byte[] salt, byte[] hash, Set<String> groups,
      Map<String, String> ha1) {
    UserInfo info() {
      Set<String> realms = new LinkedHashSet<>();
      for (String k : ha1.keySet()) {
        realms.add(k.substring(k.indexOf('\n') + 1));
      }
      return new UserInfo(name, groups, realms);
    }
  }

  private final @Nullable Path path;
  private volatile Map<String, User> users;
  private @Nullable Object fileStamp;
  private long lastCheck;

  private FileUserStore(@Nullable Path path, Map<String, User> users) {
    this.path = path;
    this.users = users;
  }

  /** Opens (or starts) a store in a file. */
  public static FileUserStore open(Path path) {
    FileUserStore s = new FileUserStore(path.toAbsolutePath(), Map.of());
    synchronized (s) {
      s.reload();
    }
    return s;
  }

  /** A store in memory. */
  public static FileUserStore inMemory() {
    return new FileUserStore(null, Map.of());
  }

  @Override
  public Optional<Principal> authenticate(String user, char[] password) {
    User u = snapshot().get(key(user));
    if (u == null) {
      // Spend the same time as a real check, so timing does not reveal which users exist.
      pbkdf2(password, new byte[16], ITERATIONS);
      return Optional.empty();
    }
    byte[] h = pbkdf2(password, u.salt(), u.iterations());
    return MessageDigest.isEqual(h, u.hash()) ? Optional.of(u.info().principal()) : Optional.empty();
  }

  @Override
  public Optional<Principal> principal(String user) {
    return findUser(user).map(UserInfo::principal);
  }

  @Override
  public Optional<UserInfo> findUser(String user) {
    return Optional.ofNullable(snapshot().get(key(user))).map(User::info);
  }

  @Override
  public List<UserInfo> users() {
    List<UserInfo> list = new ArrayList<>();
    for (User u : snapshot().values()) {
      list.add(u.info());
    }
    return list;
  }

  @Override
  public Optional<String> digestHa1(String user, String realm, DigestAlgorithm algorithm) {
    User u = snapshot().get(key(user));
    return u == null ? Optional.empty() : Optional.ofNullable(u.ha1().get(algorithm.token() + "\n" + realm));
  }

  @Override
  public void addUser(String name, char[] password, Set<String> groups, Set<String> digestRealms) {
    UserStore.checkName(name);
    Set<String> g = checkGroups(groups);
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    byte[] hash = pbkdf2(password, salt, ITERATIONS);
    Map<String, String> ha1 = new TreeMap<>();
    for (String realm : digestRealms) {
      checkRealm(realm);
      for (DigestAlgorithm a : DigestAlgorithm.values()) {
        ha1.put(a.token() + "\n" + realm, ha1(a, name, realm, password));
      }
    }
    User u = new User(name, ITERATIONS, salt, hash, g, Collections.unmodifiableMap(ha1));
    update(current -> {
      Map<String, User> next = new TreeMap<>(current);
      next.put(key(name), u);
      return next;
    });
  }

  @Override
  public void setGroups(String name, Set<String> groups) {
    Set<String> g = checkGroups(groups);
    update(current -> {
      User u = current.get(key(name));
      if (u == null) {
        throw new BitsException(Hresult.E_NOT_FOUND, "no user '" + name + "'");
      }
      Map<String, User> next = new TreeMap<>(current);
      next.put(key(name), new User(u.name(), u.iterations(), u.salt(), u.hash(), g, u.ha1()));
      return next;
    });
  }

  @Override
  public boolean removeUser(String name) {
    return update(current -> {
      if (!current.containsKey(key(name))) {
        return null;
      }
      Map<String, User> next = new TreeMap<>(current);
      next.remove(key(name));
      return next;
    });
  }

  /** A change to the users: the new map, or null if there is nothing to write. */
  private interface Change {
    @Nullable Map<String, User> apply(Map<String, User> current);
  }

  /**
   * Applies a change to the newest users and commits it. For a file, holds the process-wide
   * change lock and the lock file, and reads the file afresh, so that concurrent changes by other
   * stores or processes are neither overwritten nor lost.
   *
   * @return false if the change had nothing to write
   */
  private boolean update(Change change) {
    Path p = path;
    if (p == null) {
      synchronized (this) {
        Map<String, User> next = change.apply(users);
        if (next == null) {
          return false;
        }
        commit(next);
        return true;
      }
    }
    synchronized (FILE_CHANGES) {
      try (FileChannel lock = openLock(p)) {
        lock.lock(); // released when the channel closes
        synchronized (this) {
          reload();
          Map<String, User> next = change.apply(users);
          if (next == null) {
            return false;
          }
          commit(next);
          return true;
        }
      } catch (AccessDeniedException e) {
        throw new BitsException(Hresult.E_ACCESSDENIED, ErrorContext.NONE, "cannot lock user store " + p, e);
      } catch (IOException e) {
        throw new BitsException(Hresult.E_FAIL, ErrorContext.NONE, "cannot lock user store " + p + ": " + e.getMessage(), e);
      }
    }
  }

  /** Opens (creating it and its directory if needed) the lock file beside the store. */
  private static FileChannel openLock(Path p) throws IOException {
    Path dir = p.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    return FileChannel.open(p.resolveSibling("." + p.getFileName() + ".lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  private static void checkRealm(String realm) {
    if (realm.isEmpty() || realm.chars().anyMatch(c -> c < 32 || c == '"' || c == '\\')) {
      throw new BitsException(Hresult.E_INVALIDARG, "bad Digest realm: '" + realm + "'");
    }
  }

  private static Set<String> checkGroups(Set<String> groups) {
    Set<String> g = new LinkedHashSet<>();
    for (String group : groups) {
      g.add(UserStore.checkName(group).equalsIgnoreCase(ADMINISTRATORS) ? ADMINISTRATORS : group);
    }
    return g;
  }

  /** The key user names are compared by (case-insensitively, as Windows does). */
  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /** Digest HA1 = H(user:realm:password), lower-case hex. */
  public static String ha1(DigestAlgorithm a, String user, String realm, char[] password) {
    try {
      MessageDigest md = MessageDigest.getInstance(a.token());
      md.update((user + ":" + realm + ":").getBytes(StandardCharsets.UTF_8));
      ByteBuffer pw = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
      md.update(pw);
      if (pw.hasArray()) {
        Arrays.fill(pw.array(), (byte) 0);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(a.token() + " is missing", e);
    }
  }

  private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing", e);
    } finally {
      spec.clearPassword();
    }
  }

  private Map<String, User> snapshot() {
    if (path != null && System.nanoTime() - lastCheck > RECHECK_NANOS) {
      synchronized (this) {
        refresh();
      }
    }
    return users;
  }

  /** Reloads if another process changed the file; call holding the lock. */
  private void refresh() {
    if (path == null) {
      return;
    }
    lastCheck = System.nanoTime();
    if (!java.util.Objects.equals(stamp(path), fileStamp)) {
      reload();
    }
  }

  private static @Nullable Object stamp(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
    } catch (IOException e) {
      return null;
    }
  }

  private void reload() {
    Path p = java.util.Objects.requireNonNull(path);
    lastCheck = System.nanoTime();
    List<String> lines;
    try {
      fileStamp = stamp(p);
      lines = Files.readAllLines(p, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      users = Map.of();
      fileStamp = null;
      return;
    } catch (AccessDeniedException e) {
      throw new BitsException(Hresult.E_ACCESSDENIED, ErrorContext.NONE, "cannot read user store " + p, e);
    } catch (IOException e) {
      throw new BitsException(Hresult.E_INVALIDARG, ErrorContext.NONE, "cannot read user store " + p + ": " + e.getMessage(), e);
    }
    users = Collections.unmodifiableMap(parse(p, lines));
  }

  private static Map<String, User> parse(Path p, List<String> lines) {
    Map<String, User> map = new TreeMap<>();
    Map<String, Map<String, String>> digests = new TreeMap<>();
    int n = 0;
    for (String line : lines) {
      n++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      try {
        if (f[0].equals("user") && f.length == 7 && f[2].equals("pbkdf2-sha256")) {
          String name = UserStore.checkName(dec(f[1]));
          Set<String> groups = new LinkedHashSet<>();
          for (String g : f[6].split(",")) {
            if (!g.isEmpty()) {
              groups.add(UserStore.checkName(dec(g)));
            }
          }
          int iterations = Integer.parseInt(f[3]);
          if (iterations < 1) {
            throw new IllegalArgumentException("bad iteration count");
          }
          byte[] salt = Base64.getDecoder().decode(f[4]);
          byte[] hash = Base64.getDecoder().decode(f[5]);
          if (salt.length == 0 || hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("empty salt or a hash not of " + HASH_BYTES + " bytes");
          }
          if (map.put(key(name), new User(name, iterations, salt, hash, groups, Map.of())) != null) {
            throw new IllegalArgumentException("user '" + name + "' twice");
          }
        } else if (f[0].equals("digest") && f.length == 5 && DigestAlgorithm.ofToken(f[3]).isPresent()) {
          DigestAlgorithm a = DigestAlgorithm.ofToken(f[3]).orElseThrow();
          String realm = dec(f[2]);
          checkRealm(realm);
          if (f[4].length() != (a == DigestAlgorithm.MD5 ? 32 : 64)) {
            throw new IllegalArgumentException("a " + a.token() + " HA1 of " + f[4].length() + " hex digits");
          }
          HexFormat.of().parseHex(f[4]);
          String user = UserStore.checkName(dec(f[1]));
          if (digests.computeIfAbsent(key(user), k -> new TreeMap<>())
              .put(a.token() + "\n" + realm, f[4].toLowerCase(Locale.ROOT)) != null) {
            throw new IllegalArgumentException("Digest hash of '" + user + "' twice");
          }
        } else {
          throw new IllegalArgumentException("unknown record");
        }
      } catch (IllegalArgumentException | BitsException e) {
        // A store this class wrote has none of these; guessing what the line meant would be worse.
        String why = e instanceof BitsException ? "bad name or realm" : e.getMessage();
        throw new BitsException(Hresult.E_INVALIDARG, "not a bits4j user store: " + p + " line " + n + ": " + why);
      }
    }
    for (Map.Entry<String, Map<String, String>> d : digests.entrySet()) {
      User u = map.get(d.getKey());
      if (u != null) {
        map.put(d.getKey(), new User(u.name(), u.iterations(), u.salt(), u.hash(), u.groups(),
            Collections.unmodifiableMap(d.getValue())));
      }
    }
    return map;
  }

  private void commit(Map<String, User> next) {
    if (path != null) {
      write(path, next);
      fileStamp = stamp(path);
    }
    users = Collections.unmodifiableMap(next);
  }

  private static void write(Path p, Map<String, User> users) {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    Base64.Encoder b64 = Base64.getEncoder();
    for (User u : users.values()) {
      List<String> groups = new ArrayList<>();
      for (String g : u.groups()) {
        groups.add(enc(g));
      }
      sb.append("user\t").append(enc(u.name())).append("\tpbkdf2-sha256\t").append(u.iterations())
          .append('\t').append(b64.encodeToString(u.salt())).append('\t').append(b64.encodeToString(u.hash()))
          .append('\t').append(String.join(",", groups)).append('\n');
      for (Map.Entry<String, String> e : u.ha1().entrySet()) {
        String[] k = e.getKey().split("\n", 2);
        sb.append("digest\t").append(enc(u.name())).append('\t').append(enc(k[1])).append('\t')
            .append(k[0]).append('\t').append(e.getValue()).append('\n');
      }
    }
    Path dir = p.toAbsolutePath().getParent();
    try {
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Path tmp = Files.createTempFile(dir, "." + p.getFileName() + ".", ".tmp");
      try {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system: keep its default permissions
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          ch.force(true);
        }
        Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (AccessDeniedException e) {
      throw new BitsException(Hresult.E_ACCESSDENIED, ErrorContext.NONE, "cannot write user store " + p, e);
    } catch (IOException e) {
      throw new BitsException(Hresult.E_FAIL, ErrorContext.NONE, "cannot write user store " + p + ": " + e.getMessage(), e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String dec(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
