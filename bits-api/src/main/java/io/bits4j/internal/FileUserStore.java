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
      if (realm.isEmpty() || realm.chars().anyMatch(c -> c < 32 || c == '"' || c == '\\')) {
        throw new BitsException(Hresult.E_INVALIDARG, "bad Digest realm: '" + realm + "'");
      }
      for (DigestAlgorithm a : DigestAlgorithm.values()) {
        ha1.put(a.token() + "\n" + realm, ha1(a, name, realm, password));
      }
    }
    User u = new User(name, ITERATIONS, salt, hash, g, Collections.unmodifiableMap(ha1));
    synchronized (this) {
      refresh();
      Map<String, User> next = new TreeMap<>(users);
      next.put(key(name), u);
      commit(next);
    }
  }

  @Override
  public synchronized void setGroups(String name, Set<String> groups) {
    refresh();
    User u = users.get(key(name));
    if (u == null) {
      throw new BitsException(Hresult.E_NOT_FOUND, "no user '" + name + "'");
    }
    Map<String, User> next = new TreeMap<>(users);
    next.put(key(name), new User(u.name(), u.iterations(), u.salt(), u.hash(), checkGroups(groups), u.ha1()));
    commit(next);
  }

  @Override
  public synchronized boolean removeUser(String name) {
    refresh();
    if (!users.containsKey(key(name))) {
      return false;
    }
    Map<String, User> next = new TreeMap<>(users);
    next.remove(key(name));
    commit(next);
    return true;
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
    return name.toLowerCase(java.util.Locale.ROOT);
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
          String name = dec(f[1]);
          Set<String> groups = new LinkedHashSet<>();
          for (String g : f[6].split(",")) {
            if (!g.isEmpty()) {
              groups.add(dec(g));
            }
          }
          int iterations = Integer.parseInt(f[3]);
          if (iterations < 1) {
            throw new IllegalArgumentException("iterations");
          }
          map.put(key(name), new User(name, iterations, Base64.getDecoder().decode(f[4]),
              Base64.getDecoder().decode(f[5]), groups, Map.of()));
        } else if (f[0].equals("digest") && f.length == 5 && DigestAlgorithm.ofToken(f[3]).isPresent()) {
          HexFormat.of().parseHex(f[4]);
          digests.computeIfAbsent(key(dec(f[1])), k -> new TreeMap<>())
              .put(DigestAlgorithm.ofToken(f[3]).orElseThrow().token() + "\n" + dec(f[2]), f[4]);
        } else {
          throw new IllegalArgumentException("unknown record");
        }
      } catch (IllegalArgumentException e) {
        throw new BitsException(Hresult.E_INVALIDARG, "not a bits4j user store: " + p + " line " + n);
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
