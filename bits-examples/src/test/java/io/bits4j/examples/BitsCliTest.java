package io.bits4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The top-level command line: help lists every command, each command is reachable by name. */
class BitsCliTest {
  private static final String[] COMMANDS = {
      "get", "jobs", "cancel", "complete", "resume", "suspend", "serve", "users", "node", "transfer",
      "demo", "help"};

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = BitsCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void helpListsEveryCommandInOrder() {
    for (String[] args : new String[][] {{"--help"}, {"help"}}) {
      Result r = run(args);
      assertThat(r.code()).isZero();
      int last = -1;
      for (String c : COMMANDS) {
        int at = r.out().indexOf("\n  " + c + " ");
        assertThat(at).as("%s in %s", c, r.out()).isGreaterThan(last);
        last = at;
      }
    }
  }

  @Test
  void eachCommandIsReachableByItsNameAndShowsItsOwnUsage() {
    for (String c : COMMANDS) {
      if (c.equals("help")) {
        continue;
      }
      Result r = run(c, "--help");
      assertThat(r.code()).as(c).isZero();
      assertThat(r.out()).as(c).startsWith("Usage: bits " + c);
    }
  }

  @Test
  void helpForOneCommandAndUsageErrors() {
    Result help = run("help", "get");
    assertThat(help.code()).isZero();
    assertThat(help.out()).startsWith("Usage: bits get");

    Result missing = run("get");
    assertThat(missing.code()).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(missing.err()).contains("Missing required parameters: 'URL', 'DEST'");

    Result unknown = run("fetch", "x");
    assertThat(unknown.code()).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(unknown.err()).contains("Unmatched arguments").contains("fetch");

    Result none = run();
    assertThat(none.code()).isEqualTo(BitsCli.EXIT_USAGE);
    assertThat(none.err()).contains("Usage: bits");
  }

  @Test
  void aParseErrorIsOneLineAndAHintNotTheWholeHelp() {
    for (String[] args : new String[][] {{"get", "--bogus", "http://h/x", "d"}, {"get", "http://h/x"},
        {"get", "--retry-delay", "abc", "http://h/x", "d"}, {"serve"}, {"users", "add", "bob"}, {"cancel"}}) {
      Result r = run(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(BitsCli.EXIT_USAGE);
      assertThat(r.err()).as(String.join(" ", args)).startsWith("bits: ").doesNotContain("Usage:")
          .endsWith("Try 'bits " + args[0] + (args[0].equals("users") ? " add" : "") + " --help' for more information.\n")
          .hasLineCount(2);
    }
    // Without a command, the overview is the help wanted.
    assertThat(run().err()).contains("Usage: bits").contains("Commands:");
  }

  @Test
  void everyOptionAndParameterHasAReadableLabel() {
    for (String[] args : new String[][] {{"users", "--help"}, {"users", "add", "--help"}, {"users", "remove", "--help"}}) {
      assertThat(run(args).out()).as(String.join(" ", args)).doesNotContain("=<").doesNotContain(" <");
    }
  }
}
