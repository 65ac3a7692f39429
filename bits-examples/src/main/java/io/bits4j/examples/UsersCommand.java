package io.bits4j.examples;

import io.bits4j.UserStore;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bits users add|list|remove}: manages a users file (salted PBKDF2, never clear text). */
@Command(
    name = "users",
    description = "Manage a users file for the compact server and the management endpoint.",
    subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.Remove.class})
final class UsersCommand {
  @Option(names = "--users", paramLabel = "FILE", required = true, scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "The users file (created if missing).")
  Path usersFile = Path.of("users.txt");

  UserStore store() {
    return UserStore.file(usersFile);
  }

  /**
   * The users file of a server or node, which must exist: an empty store would start a server
   * that refuses everyone (a mistyped path is the usual cause).
   */
  static UserStore existing(Path file) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("users file " + file + " does not exist: create it with 'bits users add NAME --users "
          + file + "'");
    }
    return UserStore.file(file);
  }

  /** {@code bits users add NAME}. */
  @Command(name = "add", description = "Add or replace a user. The password comes from BITS_PASSWORD or standard input.")
  static final class Add implements Callable<Integer> {
    @ParentCommand UsersCommand parent;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The user name.")
    String name = "";

    @Option(names = "--admin", description = "Make the user an administrator (may manage nodes remotely).")
    boolean admin;

    @Option(names = "--group", paramLabel = "GROUP", description = "A group of the user (repeatable).")
    List<String> groups = new java.util.ArrayList<>();

    @Option(names = "--digest-realm", paramLabel = "REALM", description = "Enable HTTP Digest for this realm (repeatable); stores H(user:realm:password).")
    List<String> realms = new java.util.ArrayList<>();

    @Override
    public Integer call() throws IOException {
      Path dir = parent.usersFile.toAbsolutePath().getParent();
      if (dir != null && !Files.isDirectory(dir)) {
        throw new IllegalArgumentException("the users file's directory " + dir + " does not exist: create it first");
      }
      char[] password = readPassword(spec);
      try {
        Set<String> g = new LinkedHashSet<>(groups);
        if (admin) {
          g.add(UserStore.ADMINISTRATORS);
        }
        parent.store().addUser(name, password, g, new LinkedHashSet<>(realms));
      } finally {
        Arrays.fill(password, '\0');
      }
      spec.commandLine().getOut().println("user " + name + " saved in " + parent.usersFile);
      return 0;
    }
  }

  /** {@code bits users list}. */
  @Command(name = "list", description = "List users with their groups, Digest realms and SIDs.")
  static final class ListUsers implements Callable<Integer> {
    @ParentCommand UsersCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      var out = spec.commandLine().getOut();
      for (UserStore.UserInfo u : existing(parent.usersFile).users()) {
        out.printf("%-20s %-46s groups=%s digest-realms=%s%n", u.name(), u.sid(),
            String.join(",", u.groups()), String.join(",", u.digestRealms()));
      }
      return 0;
    }
  }

  /** {@code bits users remove NAME}. */
  @Command(name = "remove", description = "Remove a user.")
  static final class Remove implements Callable<Integer> {
    @ParentCommand UsersCommand parent;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The user name.")
    String name = "";

    @Override
    public Integer call() {
      if (!existing(parent.usersFile).removeUser(name)) {
        spec.commandLine().getErr().println("bits: no user " + name);
        return 1;
      }
      spec.commandLine().getOut().println("user " + name + " removed");
      return 0;
    }
  }

  /**
   * The new user's password: from {@code BITS_PASSWORD}, else the console, else the first line of
   * standard input. An empty password is refused, and so is standard input that is not UTF-8 text
   * (with standard input closed, the JVM's first opened file would be read in its place).
   */
  static char[] readPassword(CommandSpec spec) throws IOException {
    String env = System.getenv("BITS_PASSWORD");
    if (env != null) {
      if (env.isEmpty()) {
        throw new IllegalArgumentException("no password: BITS_PASSWORD is empty");
      }
      return env.toCharArray();
    }
    Console console = System.console();
    if (console != null) {
      char[] pw = console.readPassword("password: ");
      if (pw != null) {
        if (pw.length == 0) {
          throw new IllegalArgumentException("no password: an empty password is not allowed");
        }
        return pw;
      }
    }
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    String line;
    try {
      line = new BufferedReader(new InputStreamReader(System.in, utf8)).readLine();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("no password: standard input is not UTF-8 text; set BITS_PASSWORD or pipe the password on it");
    }
    if (line == null || line.isEmpty()) {
      throw new IllegalArgumentException("no password: set BITS_PASSWORD or pipe it on standard input");
    }
    return line.toCharArray();
  }
}
