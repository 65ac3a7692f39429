package io.bits4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.UserStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersCommandTest {
  @TempDir Path dir;
  private final InputStream stdin = System.in;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void restoreStdin() {
    System.setIn(stdin);
  }

  private int bits(String... args) {
    return BitsCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void addsListsAndRemovesUsersWithThePasswordFromStandardInput() throws Exception {
    Path users = dir.resolve("users.txt");
    System.setIn(new ByteArrayInputStream("pa55word\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(bits("users", "add", "alice", "--admin", "--digest-realm", "bits4j", "--users", users.toString()))
        .as(err.toString()).isZero();
    assertThat(Files.readString(users)).doesNotContain("pa55word");
    UserStore store = UserStore.file(users);
    assertThat(store.authenticate("alice", "pa55word".toCharArray()).orElseThrow().isAdministrator()).isTrue();
    assertThat(store.digestHa1("alice", "bits4j", UserStore.DigestAlgorithm.MD5)).isPresent();

    assertThat(bits("users", "list", "--users", users.toString())).isZero();
    assertThat(out.toString()).contains("alice").contains(UserStore.ADMINISTRATORS).contains(io.bits4j.Principal.userSid("alice"));

    assertThat(bits("users", "remove", "alice", "--users", users.toString())).isZero();
    assertThat(bits("users", "remove", "alice", "--users", users.toString())).isEqualTo(1);
    assertThat(UserStore.file(users).users()).isEmpty();
  }

  @Test
  void reportsUsageErrorsAndRefusals() {
    assertThat(bits("nonsense")).isEqualTo(BitsCli.EXIT_USAGE);
    System.setIn(new ByteArrayInputStream(new byte[0]));
    assertThat(bits("users", "add", "bob", "--users", dir.resolve("u").toString())).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(err.toString()).contains("no password");
    System.setIn(new ByteArrayInputStream("pw\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(bits("users", "add", "bad:name", "--users", dir.resolve("u").toString())).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(err.toString()).contains("E_INVALIDARG");
  }

  @Test
  void aMistypedPathIsAnErrorNotANewEmptyFile() {
    Path typo = dir.resolve("no-such-dir").resolve("users.txt");
    System.setIn(new ByteArrayInputStream("pw\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(bits("users", "add", "bob", "--users", typo.toString())).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(err.toString()).contains("directory " + typo.getParent() + " does not exist");
    assertThat(typo.getParent()).doesNotExist();
    err.getBuffer().setLength(0);
    Path missing = dir.resolve("missing.txt");
    assertThat(bits("users", "list", "--users", missing.toString())).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(err.toString()).contains("users file " + missing + " does not exist");
    assertThat(bits("users", "remove", "bob", "--users", missing.toString())).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(missing).doesNotExist();
  }

  @Test
  void refusesStandardInputThatIsNotText() {
    Path users = dir.resolve("u");
    // The first bytes of the JDK's lib/modules, which a JVM started with standard input closed reads as stdin.
    System.setIn(new ByteArrayInputStream(new byte[] {(byte) 0xDA, (byte) 0xDA, (byte) 0xFE, (byte) 0xCA, 0, 1, '\n'}));
    assertThat(bits("users", "add", "bob", "--users", users.toString())).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(err.toString()).contains("no password: standard input is not UTF-8 text");
    assertThat(Files.exists(users)).isFalse();
  }
}
