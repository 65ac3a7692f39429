package io.bits4j.client.portable.internal;

import io.bits4j.BitsException;
import io.bits4j.ErrorContext;
import io.bits4j.JobId;
import java.io.Closeable;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * The state directory: one small file per job ({@code job-<uuid>.state}), replaced atomically
 * (write a temporary file, force it, {@code ATOMIC_MOVE} it over the old one, force the directory),
 * and a lock file held with {@link FileChannel#tryLock()} so that only one process drives the
 * directory. Each state file starts with a CRC-32 line so that a damaged file is recognised.
 *
 * <p>Within one JVM the directories held are also kept in a set, consulted before the lock file is
 * opened: the lock is a POSIX record lock, which belongs to the process and is dropped when the
 * process closes <em>any</em> descriptor of the file, so a second store in the same JVM must never
 * open and close the lock file while the first holds it.
 */
public final class StateStore implements Closeable {
  static final String HEADER = "# bits4j job state v1 crc32=";
  /** The header's start, followed by the format version of the file. */
  private static final String HEADER_PREFIX = "# bits4j job state v";
  /** The state directories held by stores of this JVM (real paths). */
  private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final System.Logger LOG = System.getLogger(StateStore.class.getName());

  private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final boolean posix;
  /** This store's entry in {@link #HELD}. */
  private final Path heldKey;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Opens (creating) a state directory and locks it.
   *
   * @throws BitsException {@link io.bits4j.Hresult#E_SHARING_VIOLATION} if another client holds it; E_ACCESSDENIED /
   *     E_FAIL (context LOCAL_FILE) if it cannot be created
   */
  public StateStore(Path dir) {
    this.dir = dir.toAbsolutePath();
    this.posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    FileChannel ch = null;
    Path key = null;
    try {
      Files.createDirectories(this.dir);
      if (posix) {
        try {
          Files.setPosixFilePermissions(this.dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException | UnsupportedOperationException e) {
          // not our directory to restrict; go on
        }
      }
      Path real = this.dir.toRealPath();
      if (!HELD.add(real)) {
        throw inUse(this.dir);
      }
      key = real;
      ch = FileChannel.open(this.dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        ch.close(); // no store of this JVM holds it (HELD): closing drops no lock of ours
        HELD.remove(key);
        key = null;
        throw inUse(this.dir);
      }
      this.lockChannel = ch;
      this.lock = l;
      this.heldKey = key;
    } catch (IOException e) {
      if (key != null) {
        HELD.remove(key);
      }
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof java.nio.file.FileAlreadyExistsException && !Files.isDirectory(this.dir)) {
        throw new BitsException(io.bits4j.Hresult.E_INVALIDARG, ErrorContext.LOCAL_FILE,
            "the state directory " + this.dir + " is a file, not a directory", e);
      }
      throw new BitsException(LocalErrors.hresult(e), ErrorContext.LOCAL_FILE,
          "cannot open state directory " + this.dir + ": " + e, e);
    }
  }

  private static BitsException inUse(Path dir) {
    return new BitsException(io.bits4j.Hresult.E_SHARING_VIOLATION, ErrorContext.LOCAL_FILE,
        "state directory " + dir + " is in use by another bits4j client", null);
  }

  /** The directory. */
  public Path directory() {
    return dir;
  }

  Path file(JobId id) {
    return dir.resolve("job-" + id.uuid() + ".state");
  }

  /**
   * Encodes properties with the CRC header: one {@code key=value} line per entry, sorted by key, in
   * the escaped ASCII form {@link Properties#load} reads back (everything outside printable ASCII as
   * {@code \\uXXXX}), so the file is lossless for any string. Written by hand rather than with
   * {@link Properties#store}: a download checkpoints hundreds of times per GiB, and store's date
   * comment, locking and re-parsing cost more CPU than the file write itself.
   */
  static byte[] encode(Properties p) {
    String[] keys = p.stringPropertyNames().toArray(new String[0]);
    java.util.Arrays.sort(keys);
    StringBuilder b = new StringBuilder(64 * keys.length + HEADER.length() + 9);
    b.append(HEADER).append("00000000\n"); // CRC placeholder, filled in below
    int bodyStart = b.length();
    for (String k : keys) {
      escape(b, k, true);
      b.append('=');
      escape(b, p.getProperty(k), false);
      b.append('\n');
    }
    byte[] out = new byte[b.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) b.charAt(i); // pure ASCII by construction
    }
    CRC32 crc = new CRC32();
    crc.update(out, bodyStart, out.length - bodyStart);
    long v = crc.getValue();
    for (int i = 0; i < 8; i++) {
      out[HEADER.length() + i] = (byte) HEX_LOWER[(int) (v >>> (28 - 4 * i)) & 0xF];
    }
    return out;
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  private static final char[] HEX_LOWER = "0123456789abcdef".toCharArray();

  /** Escapes like {@code Properties.store(OutputStream)}: the grammar {@link Properties#load} reads. */
  private static void escape(StringBuilder out, String s, boolean key) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case ' ' -> out.append(i == 0 || key ? "\\ " : " ");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\f' -> out.append("\\f");
        case '\\', '=', ':', '#', '!' -> out.append('\\').append(c);
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  /**
   * True if the data starts with the header of a format version other than this store's (a file
   * written by a newer bits4j): not damaged, only not readable here.
   */
  static boolean otherVersion(byte[] data) {
    int n = HEADER_PREFIX.length();
    if (data.length <= n || !new String(data, 0, n, StandardCharsets.ISO_8859_1).equals(HEADER_PREFIX)) {
      return false;
    }
    int i = n;
    while (i < data.length && data[i] >= '0' && data[i] <= '9') {
      i++;
    }
    return i > n && i < data.length && data[i] == ' '
        && !new String(data, n, i - n, StandardCharsets.ISO_8859_1).equals("1");
  }

  /** Decodes a state file, or returns null if it is damaged (bad header or CRC). */
  static @Nullable Properties decode(byte[] data) {
    String text = new String(data, StandardCharsets.ISO_8859_1);
    int nl = text.indexOf('\n');
    if (nl < 0 || !text.startsWith(HEADER) || nl != HEADER.length() + 8) {
      return null;
    }
    long expected;
    try {
      expected = Long.parseLong(text.substring(HEADER.length(), nl), 16);
    } catch (NumberFormatException e) {
      return null;
    }
    byte[] body = text.substring(nl + 1).getBytes(StandardCharsets.ISO_8859_1);
    CRC32 crc = new CRC32();
    crc.update(body);
    if (crc.getValue() != expected) {
      return null;
    }
    Properties p = new Properties();
    try {
      p.load(new StringReader(text.substring(nl + 1)));
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
    return p;
  }

  /**
   * Replaces a job's state file atomically: the new content is forced before the rename, and with
   * {@code syncDirectory} the rename itself is forced too.
   *
   * @throws IOException if the file system fails
   */
  public void write(JobId id, Properties state, boolean syncDirectory) throws IOException {
    byte[] bytes = encode(state);
    Path target = file(id);
    Path tmp = dir.resolve("job-" + id.uuid() + ".state.tmp");
    // created owner-only; only this store ever creates it (leftovers of a crash are deleted by
    // loadAll before any write), so truncating an existing one keeps those permissions
    java.util.Set<StandardOpenOption> options = java.util.EnumSet.of(StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    try (FileChannel ch = posix ? FileChannel.open(tmp, options, OWNER_ONLY) : FileChannel.open(tmp, options)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    if (syncDirectory) {
      forceDirectory(dir);
    }
  }

  /** Deletes a job's state file. */
  public void delete(JobId id) throws IOException {
    Files.deleteIfExists(file(id));
    Files.deleteIfExists(dir.resolve("job-" + id.uuid() + ".state.tmp"));
    forceDirectory(dir);
  }

  /** Reads a job's state file; null if absent or damaged. */
  public @Nullable Properties read(JobId id) throws IOException {
    Path f = file(id);
    if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) > MAX_STATE_BYTES) {
      return null;
    }
    return decode(Files.readAllBytes(f));
  }

  /**
   * Loads every job's state. Leftover temporary files (a write interrupted by a crash) are deleted;
   * damaged state files are renamed to {@code .damaged} and skipped with a warning. State files of
   * another format version (a newer bits4j) and entries that cannot be read, deleted or set aside
   * (no permission, a directory in place of a file) are left as they are and skipped with a
   * warning: the other jobs still load.
   *
   * @throws BitsException (context LOCAL_FILE) if the directory itself cannot be listed
   */
  public List<Loaded> loadAll() {
    List<Loaded> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "job-*")) {
      for (Path p : ds) {
        try {
          load(p, out);
        } catch (IOException e) {
          LOG.log(System.Logger.Level.WARNING, "job state entry " + p + " skipped: " + e);
        }
      }
    } catch (IOException e) {
      throw new BitsException(LocalErrors.hresult(e), ErrorContext.LOCAL_FILE,
          "cannot read state directory " + dir + ": " + e, e);
    }
    return out;
  }

  /** A job's state as read from its file. */
  public record Loaded(Path file, Properties state) {}

  /**
   * The largest state file read: a job's state is a few hundred bytes per file of the job; a
   * larger one is damaged (and would be read whole into memory).
   */
  static final long MAX_STATE_BYTES = 64L << 20;

  /** Loads one directory entry of {@link #loadAll} into {@code out}. */
  private static void load(Path p, List<Loaded> out) throws IOException {
    String name = p.getFileName().toString();
    if (name.endsWith(".state.tmp")) {
      Files.deleteIfExists(p);
    } else if (name.endsWith(".state")) {
      // never open what is not a regular file: reading a FIFO blocks until a writer comes
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile()) {
        LOG.log(System.Logger.Level.WARNING, "job state entry " + p + " is not a regular file; skipped");
        return;
      }
      if (a.size() > MAX_STATE_BYTES) {
        LOG.log(System.Logger.Level.WARNING, "job state file " + p + " is " + a.size() + " bytes, no state is"
            + " that large; set aside as damaged");
        setAside(p);
        return;
      }
      byte[] data = Files.readAllBytes(p);
      Properties props = decode(data);
      if (props != null) {
        out.add(new Loaded(p, props));
      } else if (otherVersion(data)) {
        LOG.log(System.Logger.Level.WARNING, "job state file " + p
            + " has another format version (written by a newer bits4j?); left in place and skipped");
      } else {
        LOG.log(System.Logger.Level.WARNING, "damaged job state file " + p + " set aside");
        setAside(p);
      }
    }
  }

  /** Renames a damaged state file to {@code .damaged}, out of the next loads' way. */
  static void setAside(Path p) throws IOException {
    Files.move(p, p.resolveSibling(p.getFileName() + ".damaged"), StandardCopyOption.REPLACE_EXISTING);
  }

  static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // not supported on every platform (Windows); the rename itself is atomic
    }
  }

  /** Releases the lock; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (lock.isValid()) {
        lock.release();
      }
      lockChannel.close();
    } catch (IOException e) {
      // nothing useful to do
    } finally {
      HELD.remove(heldKey);
    }
  }
}
