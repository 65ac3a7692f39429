package io.bits4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
