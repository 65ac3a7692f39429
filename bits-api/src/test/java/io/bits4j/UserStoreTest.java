package io.bits4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserStoreTest {
  @TempDir Path dir;

  @Test
  void authenticatesWithPbkdf2AndNeverStoresThePassword() throws Exception {
    Path file = dir.resolve("users.txt");
    UserStore store = UserStore.file(file);
    store.addUser("Alice", "correct horse".toCharArray(), Set.of(UserStore.ADMINISTRATORS), Set.of());
    store.addUser("bob", "hunter2".toCharArray(), Set.of("Engineers"), Set.of());

    assertThat(store.authenticate("alice", "correct horse".toCharArray()))
        .hasValueSatisfying(p -> {
          assertThat(p.name()).isEqualTo("Alice");
          assertThat(p.isAdministrator()).isTrue();
          assertThat(p.sids()).contains(Principal.ADMINISTRATORS_SID, Principal.AUTHENTICATED_USERS_SID,
              Principal.EVERYONE_SID, Principal.USERS_SID, Principal.userSid("alice"));
        });
    assertThat(store.authenticate("alice", "wrong".toCharArray())).isEmpty();
    assertThat(store.authenticate("nobody", "x".toCharArray())).isEmpty();
    assertThat(store.authenticate("bob", "hunter2".toCharArray()).orElseThrow().isAdministrator()).isFalse();

    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("correct horse").doesNotContain("hunter2")
        .contains("pbkdf2-sha256\t210000\t");
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      assertThat(Files.getPosixFilePermissions(file))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    UserStore reopened = UserStore.file(file);
    assertThat(reopened.users()).extracting(UserStore.UserInfo::name).containsExactly("Alice", "bob");
    assertThat(reopened.authenticate("ALICE", "correct horse".toCharArray())).isPresent();
    assertThat(reopened.findUser("bob").orElseThrow().groups()).containsExactly("Engineers");
  }

  @Test
  void keepsDigestHa1OnlyForEnabledRealms() throws Exception {
    UserStore store = UserStore.inMemory();
    store.addUser("carol", "pw".toCharArray(), Set.of(), Set.of("bits4j"));
    store.addUser("dave", "pw".toCharArray(), Set.of(), Set.of());
    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
        .digest("carol:bits4j:pw".getBytes(StandardCharsets.UTF_8)));
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest("carol:bits4j:pw".getBytes(StandardCharsets.UTF_8)));
    assertThat(store.digestHa1("carol", "bits4j", UserStore.DigestAlgorithm.MD5)).hasValue(md5);
    assertThat(store.digestHa1("carol", "bits4j", UserStore.DigestAlgorithm.SHA_256)).hasValue(sha);
    assertThat(store.digestHa1("carol", "other", UserStore.DigestAlgorithm.MD5)).isEmpty();
    assertThat(store.digestHa1("dave", "bits4j", UserStore.DigestAlgorithm.MD5)).isEmpty();
    assertThat(store.findUser("carol").orElseThrow().digestRealms()).containsExactly("bits4j");
  }

  @Test
  void digestHashesSurviveTheFile() {
    Path file = dir.resolve("u");
    UserStore.file(file).addUser("erin", "pw".toCharArray(), Set.of("g 1"), Set.of("realm with spaces"));
    UserStore back = UserStore.file(file);
    assertThat(back.digestHa1("erin", "realm with spaces", UserStore.DigestAlgorithm.SHA_256)).isPresent();
    assertThat(back.findUser("erin").orElseThrow().groups()).containsExactly("g 1");
  }

  @Test
  void replacesRemovesAndRegroupsUsers() {
    UserStore store = UserStore.inMemory();
    store.addUser("frank", "one".toCharArray(), Set.of(), Set.of());
    store.addUser("FRANK", "two".toCharArray(), Set.of(), Set.of());
    assertThat(store.users()).hasSize(1);
    assertThat(store.authenticate("frank", "one".toCharArray())).isEmpty();
    assertThat(store.authenticate("frank", "two".toCharArray())).isPresent();
    store.setGroups("frank", Set.of("administrators"));
    assertThat(store.principal("frank").orElseThrow().isAdministrator()).isTrue();
    assertThat(store.removeUser("Frank")).isTrue();
    assertThat(store.removeUser("frank")).isFalse();
    assertThatThrownBy(() -> store.setGroups("frank", Set.of()))
        .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_NOT_FOUND));
  }

  @Test
  void seesChangesAnotherProcessWrote() throws Exception {
    Path file = dir.resolve("shared.txt");
    UserStore server = UserStore.file(file);
    assertThat(server.findUser("gina")).isEmpty();
    UserStore cli = UserStore.file(file);
    cli.addUser("gina", "pw".toCharArray(), Set.of(), Set.of());
    // The server re-checks the file at most once a second; bounded polling, no fixed sleep.
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (server.findUser("gina").isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(server.findUser("gina")).isPresent();
  }

  @Test
  void refusesBadNamesAndCorruptFiles() throws Exception {
    UserStore store = UserStore.inMemory();
    for (String bad : new String[] {"", " x", "a:b", "tab\there", "x".repeat(257)}) {
      assertThatThrownBy(() -> store.addUser(bad, "p".toCharArray(), Set.of(), Set.of()))
          .isInstanceOfSatisfying(BitsException.class, e -> assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG));
    }
    Path corrupt = dir.resolve("corrupt");
    Files.writeString(corrupt, "user\tx\tmd5\t1\n");
    assertThatThrownBy(() -> UserStore.file(corrupt))
        .isInstanceOfSatisfying(BitsException.class, e -> {
          assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG);
          assertThat(e.getMessage()).contains("line 1");
        });
  }

  private static final String SALT = Base64.getEncoder().encodeToString(new byte[16]);
  private static final String HASH = Base64.getEncoder().encodeToString(new byte[32]);

  /** A stored user record (the hash matches no password; these tests never authenticate). */
  private static String userLine(String name, String groups) {
    return "user\t" + name + "\tpbkdf2-sha256\t210000\t" + SALT + "\t" + HASH + "\t" + groups + "\n";
  }

  /** A store file with users u0 … u(n-1), written directly so no test time goes into PBKDF2. */
  private static Path storeWith(Path file, int n) throws IOException {
    return Files.writeString(file, IntStream.range(0, n).mapToObj(i -> userLine("u" + i, ""))
        .collect(Collectors.joining("", "# bits4j user store v1\n", "")));
  }

  @Test
  void twoStoresOnOneFileInOneProcessLoseNoChange() throws Exception {
    Path file = storeWith(dir.resolve("users"), 100);
    UserStore a = UserStore.file(file);
    UserStore b = UserStore.file(file);
    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> IntStream.range(0, 50).forEach(i -> a.removeUser("u" + i)));
    CompletableFuture<Void> second = CompletableFuture.runAsync(() -> IntStream.range(50, 100).forEach(i -> b.removeUser("u" + i)));
    CompletableFuture.allOf(first, second).get(60, TimeUnit.SECONDS);
    assertThat(UserStore.file(file).users()).isEmpty();
  }

  @Test
  void twoProcessesWritingOneFileLoseNoChange() throws Exception {
    Path file = storeWith(dir.resolve("users"), 100);
    String classpath = Path.of(UserStore.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        + java.io.File.pathSeparator
        + Path.of(OtherProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, OtherProcess.class.getName(), file.toString(), "50", "100")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
      UserStore mine = UserStore.file(file);
      try (Writer go = new java.io.OutputStreamWriter(other.getOutputStream(), StandardCharsets.UTF_8)) {
        go.write("go\n");
      }
      IntStream.range(0, 50).forEach(i -> mine.removeUser("u" + i));
      assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(other.exitValue()).isZero();
    } finally {
      other.destroyForcibly();
    }
    assertThat(UserStore.file(file).users()).isEmpty();
  }

  /** The other process of {@link #twoProcessesWritingOneFileLoseNoChange}: removes u{from} … u{to - 1}. */
  static final class OtherProcess {
    private OtherProcess() {}

    public static void main(String[] args) throws IOException {
      UserStore store = UserStore.file(Path.of(args[0]));
      System.out.println("ready");
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      IntStream.range(Integer.parseInt(args[1]), Integer.parseInt(args[2])).forEach(i -> store.removeUser("u" + i));
    }
  }

  @Test
  void aFailedWriteLeavesTheFileAndTheStoreAsTheyWere() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Path file = storeWith(sub.resolve("users"), 2);
    UserStore store = UserStore.file(file);
    store.removeUser("u1"); // the lock file exists from here on
    byte[] before = Files.readAllBytes(file);
    List<String> listing = List.of(sub.toFile().list());
    boolean immutable = readOnly(sub);
    try {
      assertThatThrownBy(() -> store.addUser("new", "pw".toCharArray(), Set.of(), Set.of()))
          .isInstanceOfSatisfying(BitsException.class,
              e -> assertThat(e.hresult()).isIn(Hresult.E_ACCESSDENIED, Hresult.E_FAIL));
      assertThatThrownBy(() -> store.removeUser("u0")).isInstanceOf(BitsException.class);
      assertThat(Files.readAllBytes(file)).isEqualTo(before);
      assertThat(sub.toFile().list()).containsExactlyInAnyOrderElementsOf(listing);
      assertThat(store.users()).extracting(UserStore.UserInfo::name).containsExactly("u0");
      assertThat(UserStore.file(file).users()).extracting(UserStore.UserInfo::name).containsExactly("u0");
    } finally {
      writable(sub, immutable);
    }
  }

  /** Makes a directory read-only; as root (permissions do not stop root) with chattr +i. */
  private static boolean readOnly(Path d) throws Exception {
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("r-x------"));
    if (!Files.isWritable(d)) {
      return false;
    }
    Process p = new ProcessBuilder("chattr", "+i", d.toString()).redirectErrorStream(true).start();
    Assumptions.assumeTrue(p.waitFor() == 0, "cannot make a directory read-only for root (chattr)");
    return true;
  }

  private static void writable(Path d, boolean immutable) throws Exception {
    if (immutable) {
      new ProcessBuilder("chattr", "-i", d.toString()).start().waitFor();
    }
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
  }

  /** Each of these lines is corrupt; the store refuses the file rather than guess. */
  @ParameterizedTest
  @ValueSource(strings = {
      "user\talice\tpbkdf2-sha256\t210000\t\tAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\t", // empty salt
      "user\talice\tpbkdf2-sha256\t210000\tAAAAAAAAAAAAAAAAAAAAAA==\tAAAA\t",   // hash too short
      "user\talice\tpbkdf2-sha256\t210000\tAAAAAAAAAAAAAAAAAAAAAA==\t\t",       // no hash
      "user\t\tpbkdf2-sha256\t210000\tAAAAAAAAAAAAAAAAAAAAAA==\tAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\t",
      "user\ta%3Ab\tpbkdf2-sha256\t210000\tAAAAAAAAAAAAAAAAAAAAAA==\tAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\t",
      "user\tALICE\tpbkdf2-sha256\t210000\tAAAAAAAAAAAAAAAAAAAAAA==\tAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\tAdministrators",
      "digest\talice\tr\tMD5\t00",                                           // HA1 too short
      "digest\talice\tr\tSHA-256\t0123456789abcdef0123456789abcdef",          // an MD5-sized SHA-256 HA1
      "digest\talice\tr%0A\tMD5\t0123456789abcdef0123456789abcdef",           // control character in the realm
      "digest\tAlice\tr\tMD5\t0123456789abcdef0123456789abcdef",              // same realm and algorithm twice
  })
  void refusesCorruptOrAmbiguousRecords(String line) throws Exception {
    Path file = dir.resolve("users");
    Files.writeString(file, userLine("alice", "") + "digest\talice\tr\tMD5\t0123456789abcdef0123456789abcdef\n" + line + "\n");
    assertThatThrownBy(() -> UserStore.file(file))
        .isInstanceOfSatisfying(BitsException.class, e -> {
          assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG);
          assertThat(e.getMessage()).contains("line 3");
        });
  }

  @Test
  void keepsUpperCaseHa1AsLowerCase() throws Exception {
    Path file = dir.resolve("users");
    Files.writeString(file, userLine("alice", "") + "digest\talice\tr\tMD5\t0123456789ABCDEF0123456789ABCDEF\n");
    assertThat(UserStore.file(file).digestHa1("alice", "r", UserStore.DigestAlgorithm.MD5))
        .hasValue("0123456789abcdef0123456789abcdef");
  }
}
