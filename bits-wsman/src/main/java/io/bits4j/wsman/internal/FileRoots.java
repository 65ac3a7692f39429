package io.bits4j.wsman.internal;

import io.bits4j.BitsException;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The directories a node publishes from and downloads into (ARCHITECTURE §6, "file roots on
 * nodes"): every path a remote caller names is made absolute (relative paths resolve against the
 * root), canonicalised with symlinks resolved, and refused with E_ACCESSDENIED unless it lies under
 * the root. Immutable and thread-safe.
 */
public final class FileRoots {
  private final Path serveRoot;
  private final Path downloadRoot;

  /**
   * @throws IllegalArgumentException if a root is not an existing directory
   */
  public FileRoots(Path serveRoot, Path downloadRoot) {
    this.serveRoot = realDirectory(serveRoot, "serve root");
    this.downloadRoot = realDirectory(downloadRoot, "download root");
  }

  private static Path realDirectory(Path p, String what) {
    Objects.requireNonNull(p, what);
    try {
      Path real = p.toAbsolutePath().toRealPath();
      if (!Files.isDirectory(real)) {
        throw new IllegalArgumentException(what + " is not a directory: " + p);
      }
      return real;
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " does not exist: " + p, e);
    }
  }

  public Path serveRoot() {
    return serveRoot;
  }

  public Path downloadRoot() {
    return downloadRoot;
  }

  /**
   * The canonical path of a file to publish. A file that does not exist (inside the root) is
   * returned as its normalised path, so the server reports E_FILE_NOT_FOUND.
   *
   * @throws BitsException E_ACCESSDENIED outside the serve root; E_INVALIDARG for an unusable path
   */
  public Path checkServe(String path) {
    return check(serveRoot, path, "serve");
  }

  /**
   * The canonical destination of a download.
   *
   * @throws BitsException E_ACCESSDENIED outside the download root; E_INVALIDARG for an unusable path
   */
  public Path checkDownload(String path) {
    return check(downloadRoot, path, "download");
  }

  private static Path check(Path root, String text, String what) {
    Path p;
    try {
      p = Path.of(text);
    } catch (InvalidPathException e) {
      throw new BitsException(Hresult.E_INVALIDARG, "not a path: " + text);
    }
    if (text.isEmpty()) {
      throw new BitsException(Hresult.E_INVALIDARG, "empty path");
    }
    Path abs = root.resolve(p).normalize();
    Path canonical = canonicalise(abs);
    if (!canonical.startsWith(root) || canonical.equals(root)) {
      throw new BitsException(Hresult.E_ACCESSDENIED, ErrorContext.NONE,
          "path outside the node's " + what + " root: " + text, null);
    }
    return canonical;
  }

  /** Resolves symlinks of the longest existing prefix, then appends the rest. */
  private static Path canonicalise(Path abs) {
    Path existing = abs;
    Path rest = null;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      Path name = existing.getFileName();
      rest = rest == null ? name : name.resolve(rest);
      existing = existing.getParent();
    }
    if (existing == null) {
      return abs;
    }
    Path real;
    try {
      real = existing.toRealPath();
    } catch (IOException e) {
      // a dangling symlink: refuse rather than follow it somewhere unknown
      throw new BitsException(Hresult.E_ACCESSDENIED, ErrorContext.NONE, "cannot resolve " + existing, null);
    }
    return rest == null ? real : real.resolve(rest).normalize();
  }
}
