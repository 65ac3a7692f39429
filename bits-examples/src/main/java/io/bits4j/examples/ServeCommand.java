package io.bits4j.examples;

import io.bits4j.AccessPolicy;
import io.bits4j.AuthScheme;
import io.bits4j.CompactServer;
import io.bits4j.HostedFile;
import io.bits4j.TlsIdentity;
import io.bits4j.UrlGroup;
import io.bits4j.UrlPrefix;
import io.bits4j.UserStore;
import io.bits4j.server.netty.NettyCompactServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code bits serve}: runs a compact server with the given URL groups and files until
 * interrupted.
 *
 * <pre>
 * bits serve --group http://127.0.0.1:8080/Carmine --file disk.vhd=/srv/disk.vhd
 * </pre>
 */
@Command(
    name = "serve",
    sortOptions = false,
    description = {
        "Run a compact server: host files under URL groups until interrupted (Ctrl-C).",
        "Each --file is hosted in the --group given before it."})
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** One {@code --group} with the {@code --file}s given after it (a picocli repeating group). */
  static final class GroupArg {
    @Option(names = "--group", paramLabel = "PREFIX", required = true,
        description = "A URL group, e.g. http://127.0.0.1:8080/Carmine (repeatable).")
    String prefixText = "";

    @Option(names = "--file", paramLabel = "SUFFIX=PATH",
        description = "Host PATH under SUFFIX in the --group given before it (repeatable).")
    // no initial value: picocli hands a repeating group's initial collection to the next instance,
    // so from the third --group on, groups shared one file list
    @Nullable List<String> fileArgs;

    UrlPrefix prefix() {
      return UrlPrefix.parse(prefixText);
    }

    List<FileArg> files() {
      List<FileArg> files = new ArrayList<>();
      for (String arg : fileArgs == null ? List.<String>of() : fileArgs) {
        int eq = arg.indexOf('=');
        if (eq <= 0 || eq == arg.length() - 1) {
          throw new IllegalArgumentException("--file takes SUFFIX=PATH, not '" + arg + "'");
        }
        files.add(new FileArg(arg.substring(0, eq), Path.of(arg.substring(eq + 1))));
      }
      return files;
    }
  }

  private record FileArg(String suffix, Path path) {}

  @ArgGroup(exclusive = false, multiplicity = "1..*")
  List<GroupArg> groups = new ArrayList<>();

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain for every https group's port.")
  @Nullable Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key (PKCS#8 or PKCS#1 PEM) for --tls-cert.")
  @Nullable Path tlsKey;

  @Option(names = "--users", paramLabel = "FILE", description = "Users file (see 'bits users').")
  @Nullable Path users;

  @Option(names = "--auth", paramLabel = "SCHEME", split = ",",
      description = "Authentication for every group: basic, digest, client-cert (comma-separated or repeated).")
  List<String> auth = new ArrayList<>();

  @Option(names = "--digest-realm", paramLabel = "REALM", description = "Digest realm (default: ${DEFAULT-VALUE}).")
  String digestRealm = "bits4j";

  @Option(names = "--client-ca", paramLabel = "PEM", description = "CA certificates client certificates must chain to (for client-cert).")
  @Nullable Path clientCa;

  @Option(names = "--allow-basic-over-http", description = "Allow Basic on plain http groups (the password crosses the network readable).")
  boolean allowBasicOverHttp;

  @Option(names = "--sddl", paramLabel = "SDDL", description = "Access policy of every hosted file (default: \"\", no check).")
  String sddl = "";

  @Option(names = "--url-host", paramLabel = "HOST",
      description = "Host name printed in URLs of + and * groups (default: ${DEFAULT-VALUE}).")
  String urlHost = "127.0.0.1";

  @Override
  public Integer call() throws InterruptedException {
    // Ctrl-C: the hook closes the server (idempotent) before the JVM goes, then releases main
    return UntilShutdown.run("serve", () -> start(spec.commandLine().getOut()));
  }

  /** Builds the server, hosts the files and prints their URLs; the caller closes the server. */
  CompactServer start(PrintWriter out) {
    checkNoFileBeforeFirstGroup();
    AccessPolicy access = AccessPolicy.parse(sddl);
    for (GroupArg g : groups) {
      g.prefix();
      g.files();
    }
    List<AuthScheme> schemes = new ArrayList<>();
    for (String a : auth) {
      schemes.add(parseScheme(a));
    }
    if (!schemes.isEmpty() && users == null && !schemes.equals(List.of(AuthScheme.CLIENT_CERTIFICATE))) {
      throw new IllegalArgumentException("--auth basic/digest needs --users FILE");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    if (tlsCert == null && groups.stream().anyMatch(g -> g.prefix().isSecure())) {
      throw new IllegalArgumentException("https groups need --tls-cert and --tls-key");
    }
    if (schemes.contains(AuthScheme.BASIC) && !allowBasicOverHttp) {
      groups.stream().map(GroupArg::prefix).filter(p -> !p.isSecure()).findFirst().ifPresent(p -> {
        throw new IllegalArgumentException("--auth basic on the plain http group " + p
            + " sends passwords readable: use an https group, or --allow-basic-over-http");
      });
    }
    if (schemes.contains(AuthScheme.CLIENT_CERTIFICATE) && clientCa == null) {
      throw new IllegalArgumentException("--auth client-cert needs --client-ca PEM: the CA certificates client"
          + " certificates must chain to");
    }
    NettyCompactServer.Builder b = NettyCompactServer.builder()
        .digestRealm(digestRealm)
        .allowBasicOverHttp(allowBasicOverHttp);
    if (users != null) {
      UserStore store = UsersCommand.existing(users);
      if (schemes.contains(AuthScheme.DIGEST)
          && store.users().stream().noneMatch(u -> u.digestRealms().contains(digestRealm))) {
        spec.commandLine().getErr().println("bits serve: warning: no user in " + users + " can log in with Digest"
            + " in realm '" + digestRealm + "' (a Digest key is made per realm when the password is set): 'bits users"
            + " add NAME --digest-realm " + digestRealm + " --users " + users + "'");
      }
      b.users(store);
    }
    if (clientCa != null) {
      b.clientCertificateAuthorities(TlsIdentity.readCertificates(clientCa));
    }
    CompactServer server = b.build();
    try {
      if (tlsCert != null && tlsKey != null) {
        TlsIdentity id = TlsIdentity.fromPem(tlsCert, tlsKey);
        for (String w : id.weaknesses()) {
          spec.commandLine().getErr().println("bits serve: warning: " + tlsCert + ": " + w
              + "; clients will refuse the TLS handshake");
        }
        groups.stream().map(GroupArg::prefix).filter(UrlPrefix::isSecure).map(UrlPrefix::port).distinct()
            .forEach(port -> server.setSslCertificate(port, id));
      }
      for (GroupArg g : groups) {
        UrlGroup group = server.createUrlGroup(g.prefix());
        for (AuthScheme s : schemes) {
          group.setAuthentication(s, true);
        }
        for (FileArg f : g.files()) {
          HostedFile hosted = group.host(f.suffix(), f.path().toAbsolutePath(), access);
          String host = g.prefix().isWildcard() ? urlHost : g.prefix().host();
          out.println("serving " + hosted.url(host) + " <- " + f.path());
        }
      }
      out.println("ready: " + groups.size() + " group(s); Ctrl-C stops");
      out.flush();
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * Refuses a {@code --file} given before the first {@code --group}: picocli would put it in the
   * group that follows, but each file belongs to the group given before it.
   */
  private void checkNoFileBeforeFirstGroup() {
    ParseResult parsed = spec.commandLine().getParseResult();
    if (parsed == null) {
      return;
    }
    for (ArgSpec arg : parsed.matchedArgs()) {
      if (arg instanceof OptionSpec o && o.longestName().equals("--group")) {
        return;
      }
      if (arg instanceof OptionSpec o && o.longestName().equals("--file")) {
        throw new IllegalArgumentException("--file comes before any --group: give the --group PREFIX to host it in first");
      }
    }
  }

  private static AuthScheme parseScheme(String s) {
    return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "basic" -> AuthScheme.BASIC;
      case "digest" -> AuthScheme.DIGEST;
      case "client-cert", "client-certificate" -> AuthScheme.CLIENT_CERTIFICATE;
      default -> throw new IllegalArgumentException("--auth takes basic, digest or client-cert, not '" + s + "'");
    };
  }
}
