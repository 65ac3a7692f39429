package io.bits4j.client.portable.internal;

import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.JobState;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One transfer attempt of a job: files in order, each with a HEAD for size and validators and then
 * GETs with {@code Range} from the written offset plus {@code If-Range}, until every file is
 * complete or something fails.
 */
final class Attempt {
  /** The run was stopped (suspend, cancel, complete, preemption, close). */
  static final class Stopped extends Exception {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("stopped", null, false, false);
    }
  }

  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)",
      Pattern.CASE_INSENSITIVE);
  static final int BUFFER = 64 * 1024;

  private final Engine engine;
  private final Run run;
  private final PortableJob job;
  private boolean progressed;
  private final byte[] buffer = new byte[BUFFER];

  Attempt(Engine engine, Run run) {
    this.engine = engine;
    this.run = run;
    this.job = run.job;
  }

  /** True if this attempt received new bytes (beyond any offset its files reached before). */
  boolean progressed() {
    return progressed;
  }

  void transferAll() throws TransferException, Stopped {
    HttpSession.JobNet jobNet;
    synchronized (engine.lock) {
      jobNet = new HttpSession.JobNet(java.util.List.copyOf(job.credentials), job.certificate, job.proxy,
          job.headers);
    }
    try (HttpSession session = new HttpSession(engine.net, jobNet)) {
      run.session(session);
      while (true) {
        checkStop();
        FileEntry next = null;
        synchronized (engine.lock) {
          for (FileEntry f : job.files) {
            if (!f.completed) {
              next = f;
              break;
            }
          }
        }
        if (next == null) {
          return;
        }
        transferFile(session, next);
      }
    } finally {
      run.session(null);
      ByteBuffer r = ring;
      if (r != null) {
        ring = null;
        engine.giveRing(r);
      }
    }
  }

  private void checkStop() throws Stopped {
    if (run.stop) {
      throw new Stopped();
    }
  }

  /**
   * Transfers one file: HEAD, ranged GETs until every byte is in the temp file, then a second HEAD.
   * A server sending a file that is being written in place can put bytes of the new version into
   * a response that began with the old one (a zero-copy send reads the pages as they are when
   * they leave, after its last check), so the file counts as received only if the server still
   * describes the version whose HEAD started the pass; otherwise it starts again, at most {@link
   * #MAX_CHANGED_PASSES} times in one attempt (then {@code BG_E_REMOTE_FILE_CHANGED}, transient).
   */
  private void transferFile(HttpSession session, FileEntry f) throws TransferException, Stopped {
    for (int pass = 1; ; pass++) {
      Head before = head(session, f, f.url, true);
      receiveAll(session, f, before.uri);
      checkStop();
      Head after = head(session, f, before.uri, false); // where the bytes came from, past redirects
      if (after.describes(before)) {
        break;
      }
      if (pass >= MAX_CHANGED_PASSES) {
        throw withFile(TransferException.transientError(Hresult.BG_E_REMOTE_FILE_CHANGED, ErrorContext.REMOTE_FILE,
            "the file changed on the server while it was being transferred, " + pass + " times in a row"), f);
      }
      Engine.LOG.log(System.Logger.Level.INFO, "job " + job.id + ": " + f.url + " changed on the server during its"
          + " transfer (" + before + " became " + after + "): transferring it again");
      try (TempFile ch = openTemp(f)) {
        restartFile(f, ch, after.size, after.etag, after.lastModified);
      } catch (IOException e) {
        throw local(e, f);
      }
    }
    synchronized (engine.lock) {
      f.completed = true;
      f.durable = f.written;
      f.confirmed = f.written;
    }
    engine.persist(job);
    engine.progress(job);
  }

  /** Passes of one file in one attempt that may end with the server describing another version. */
  static final int MAX_CHANGED_PASSES = 3;

  /** What a HEAD said of a file: where its data is, its size and validators. */
  private record Head(URI uri, long size, @Nullable String etag, @Nullable String lastModified) {
    /** True if both describe the same version (same size, no validator that differs). */
    boolean describes(Head other) {
      return size == other.size && !differs(other.etag, etag) && !differs(other.lastModified, lastModified);
    }

    @Override
    public String toString() {
      return size + " bytes" + (etag == null ? "" : ", ETag " + etag)
          + (lastModified == null ? "" : ", Last-Modified " + lastModified);
    }
  }

  /**
   * HEADs the file. At the start of a pass ({@code record}), the answer becomes the file's size and
   * validators, restarting the file if they describe another version than its received bytes.
   */
  private Head head(HttpSession session, FileEntry f, URI url, boolean record) throws TransferException, Stopped {
    if (record) {
      engine.setState(run, JobState.CONNECTING);
    }
    HttpSession.Exchange head = wrap(() -> session.execute("HEAD", url, Map.of()), f);
    checkStop();
    HttpResponse hr = head.response;
    head.finished();
    if (hr.status != 200) {
      throw withFile(TransferException.http(hr.status, HttpSession.retryAfter(hr, engine.scheduler.now())), f);
    }
    OptionalLong len;
    try {
      len = hr.contentLength();
    } catch (IOException e) {
      len = OptionalLong.empty();
    }
    if (len.isEmpty() || hr.isChunked()) {
      throw withFile(TransferException.fatal(Hresult.BG_E_MISSING_FILE_SIZE, ErrorContext.REMOTE_FILE,
          "HEAD gave no Content-Length"), f);
    }
    Head h = new Head(head.uri, len.getAsLong(), hr.header("ETag").orElse(null),
        hr.header("Last-Modified").orElse(null));
    if (!record) {
      return h;
    }
    boolean changed;
    synchronized (engine.lock) {
      changed = f.size >= 0 && f.written > 0
          && (f.size != h.size || differs(f.etag, h.etag) || differs(f.lastModified, h.lastModified));
      if (changed) {
        f.restart();
      }
      f.size = h.size;
      f.etag = h.etag;
      f.lastModified = h.lastModified;
    }
    engine.persist(job);
    return h;
  }

  /** Ranged GETs from the written offset until the temp file holds the whole file, forced to disk. */
  private void receiveAll(HttpSession session, FileEntry f, URI dataUri) throws TransferException, Stopped {
    try (TempFile ch = openTemp(f)) {
      while (true) {
        long offset;
        synchronized (engine.lock) {
          offset = f.written;
          if (offset >= f.size) {
            break;
          }
        }
        checkStop();
        Map<String, String> headers = new LinkedHashMap<>();
        String ifRange = null;
        if (offset > 0) {
          headers.put("Range", "bytes=" + offset + "-");
          synchronized (engine.lock) {
            if (f.etag != null && !f.etag.startsWith("W/")) {
              ifRange = f.etag;
            } else if (f.lastModified != null) {
              ifRange = f.lastModified;
            }
          }
          if (ifRange != null) {
            headers.put("If-Range", ifRange);
          }
        }
        HttpSession.Exchange ex = wrap(() -> session.execute("GET", dataUri, headers), f);
        try {
          handleGet(ex, f, ch, offset);
        } finally {
          // after a failure a background checkpoint may still run: it must end before the file
          // closes and its ring serves another transfer (its own error is secondary)
          settleFlush();
          // bytes staged for direct I/O that no checkpoint wrote (it failed) are not in the file
          synchronized (engine.lock) {
            if (f.written > ch.inFile()) {
              f.written = Math.max(f.durable, ch.inFile());
            }
          }
        }
      }
      long end;
      synchronized (engine.lock) {
        end = f.written;
      }
      local(() -> ch.force(end, true), f);
      local(() -> checkInPlace(f, end), f);
    } catch (IOException e) {
      throw local(e, f);
    }
  }

  private void handleGet(HttpSession.Exchange ex, FileEntry f, TempFile ch, long offset)
      throws TransferException, Stopped {
    HttpResponse r = ex.response;
    String encoding = r.header("Content-Encoding").orElse("identity").strip();
    if ((r.status == 200 || r.status == 206) && !encoding.isEmpty() && !encoding.equalsIgnoreCase("identity")) {
      // we asked for identity; compressed bytes cannot be resumed by range (anchors P9)
      ex.abandon();
      throw withFile(TransferException.fatal(Hresult.BG_E_INVALID_SERVER_RESPONSE, ErrorContext.REMOTE_FILE,
          "the server sent Content-Encoding: " + encoding + " although the client asked for identity"), f);
    }
    String etag = r.header("ETag").orElse(null);
    String lm = r.header("Last-Modified").orElse(null);
    if (r.status == 206) {
      String cr = r.header("Content-Range").orElse(null);
      OptionalLong cl = contentLength(r);
      Matcher m = cr == null ? null : CONTENT_RANGE.matcher(cr.strip());
      if (m == null || !m.matches() || cl.isEmpty() || r.isChunked()) {
        ex.abandon();
        throw withFile(TransferException.transientError(Hresult.BG_E_INSUFFICIENT_RANGE_SUPPORT,
            ErrorContext.REMOTE_FILE, "206 without a usable Content-Range/Content-Length: " + cr), f);
      }
      long first = Long.parseLong(m.group(1));
      long last = Long.parseLong(m.group(2));
      long total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
      boolean validatorsChanged;
      synchronized (engine.lock) {
        validatorsChanged = differs(f.etag, etag) || differs(f.lastModified, lm);
      }
      if (offset == 0) {
        // a Range-less request: nothing to splice, the answer describes the version served now
        // (restarting the file would ask the same question again)
        synchronized (engine.lock) {
          if (total >= 0) {
            f.size = total;
          }
          if (etag != null) {
            f.etag = etag;
          }
          if (lm != null) {
            f.lastModified = lm;
          }
        }
      } else if ((total >= 0 && total != sizeOf(f)) || validatorsChanged) {
        // the server ignored If-Range and sent another version: start that file again
        ex.abandon();
        restartFile(f, ch, -1, etag, lm);
        return;
      }
      if (first != offset || last < first || cl.getAsLong() != last - first + 1 || last >= sizeOf(f)) {
        ex.abandon();
        throw withFile(TransferException.transientError(Hresult.BG_E_INVALID_SERVER_RESPONSE,
            ErrorContext.REMOTE_FILE, "206 does not match the request: Content-Range " + cr
                + ", Content-Length " + cl.getAsLong() + ", asked from " + offset), f);
      }
      engine.setState(run, JobState.TRANSFERRING);
      receive(ex, f, ch, cl.getAsLong());
      return;
    }
    if (r.status == 200) {
      OptionalLong cl = contentLength(r);
      if (cl.isEmpty() || r.isChunked()) {
        ex.abandon();
        throw withFile(TransferException.transientError(Hresult.BG_E_INSUFFICIENT_RANGE_SUPPORT,
            ErrorContext.REMOTE_FILE, "200 without Content-Length"), f);
      }
      if (offset == 0) {
        // a Range-less request: this is the whole entity (perhaps a newer version than HEAD saw)
        synchronized (engine.lock) {
          f.size = cl.getAsLong();
          if (etag != null) {
            f.etag = etag;
          }
          if (lm != null) {
            f.lastModified = lm;
          }
        }
        engine.setState(run, JobState.TRANSFERRING);
        receive(ex, f, ch, cl.getAsLong());
        return;
      }
      boolean changed;
      synchronized (engine.lock) {
        changed = (f.etag != null && etag != null && !f.etag.equals(etag))
            || (f.lastModified != null && lm != null && !f.lastModified.equals(lm));
      }
      if (!changed) {
        ex.abandon();
        throw withFile(TransferException.transientError(Hresult.BG_E_INSUFFICIENT_RANGE_SUPPORT,
            ErrorContext.REMOTE_FILE, "the server answered a Range request with 200 and unchanged validators"), f);
      }
      // the file changed: this body is the new version from byte 0
      restartFile(f, ch, cl.getAsLong(), etag, lm);
      engine.setState(run, JobState.TRANSFERRING);
      receive(ex, f, ch, cl.getAsLong());
      return;
    }
    if (r.status == 416 && offset > 0) {
      // the file shrank below our offset: start it again
      ex.discard();
      restartFile(f, ch, -1, null, null);
      return;
    }
    Duration retryAfter = HttpSession.retryAfter(r, engine.scheduler.now());
    ex.discard();
    throw withFile(TransferException.http(r.status, retryAfter), f);
  }

  private long sizeOf(FileEntry f) {
    synchronized (engine.lock) {
      return f.size;
    }
  }

  private void restartFile(FileEntry f, TempFile ch, long newSize, @Nullable String etag,
      @Nullable String lm) throws TransferException {
    local(ch::truncate, f);
    synchronized (engine.lock) {
      f.restart();
      if (newSize >= 0) {
        f.size = newSize;
      }
      f.etag = etag;
      f.lastModified = lm;
    }
    engine.persist(job);
    engine.progress(job);
  }

  private static OptionalLong contentLength(HttpResponse r) {
    try {
      return r.contentLength();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /** Copies a body of {@code length} bytes to the temp file at the written offset. */
  private void receive(HttpSession.Exchange ex, FileEntry f, TempFile ch, long length)
      throws TransferException, Stopped {
    InputStream body = ex.body;
    long remaining = length;
    long position;
    synchronized (engine.lock) {
      position = f.written;
    }
    Instant lastCheckpoint = engine.scheduler.now();
    BandwidthLimiter limiter = engine.limiter;
    int chunk = limiter == null ? BUFFER : limiter.chunkSize(BUFFER);
    long window = engine.durabilityBytes;
    CheckpointPolicy.Tracker policy = engine.checkpoints.track(window, position, System.nanoTime());
    long flushAt = policy.threshold();
    // with direct I/O, staged bytes go to the file in the background in pieces of this size
    // between checkpoints (as the kernel's writeback would), so that a checkpoint has little left
    // to write besides forcing the file and the state
    long writeOutEvery = Math.max(TempFile.MIN_ALIGN, window / 8);
    while (remaining > 0) {
      if (run.stop) {
        ex.abandon();
        finalCheckpoint(f, ch, position);
        throw new Stopped();
      }
      int n;
      try {
        n = body.read(buffer, 0, (int) Math.min(chunk, remaining));
      } catch (IOException e) {
        ex.abandon();
        finalCheckpoint(f, ch, position);
        if (run.stop) {
          throw new Stopped();
        }
        throw withFile(session(ex).transportError(e, null), f);
      }
      if (n < 0) {
        ex.abandon();
        finalCheckpoint(f, ch, position);
        throw withFile(TransferException.transientError(Hresult.BG_E_CONNECTION_CLOSED,
            ErrorContext.GENERAL_TRANSPORT, "connection closed early"), f);
      }
      // Durability: never more than the window beyond the recorded offset. A checkpoint starts in
      // the background when the policy's threshold (normally half the window) is unforced, or the
      // interval has passed, and runs while more data arrives; if the window is full, wait for it
      // (and checkpoint synchronously if that is not enough).
      Instant now = engine.scheduler.now();
      if (position + n - durable(f) >= window) {
        long t0 = System.nanoTime();
        awaitFlush();
        long t1 = System.nanoTime();
        policy.waited(t1 - t0);
        if (position + n - durable(f) >= window) {
          flushAt = policy.started(position, t1);
          checkpoint(f, ch, position, false);
          policy.waited(System.nanoTime() - t1);
        }
        lastCheckpoint = now;
      } else if (pendingFlush == null || pendingFlush.isDone()) {
        awaitFlush();
        if (position - durable(f) >= flushAt
            || Duration.between(lastCheckpoint, now).compareTo(engine.durabilityInterval) >= 0) {
          startFlush(f, ch, position);
          lastCheckpoint = now;
          flushAt = policy.started(position, System.nanoTime());
        } else if (ch.direct() && position - ch.inFile() >= writeOutEvery) {
          startWriteOut(f, ch, position);
        }
      }
      final long pos = position;
      final int len = n;
      local(() -> ch.write(buffer, 0, len, pos), f);
      position += n;
      remaining -= n;
      synchronized (engine.lock) {
        f.written = position;
        // bytes received change the job (BG_JOB_TIMES.ModificationTime) and are activity for the
        // inactivity timeout; they are written with the next checkpoint
        job.modified = now;
        job.activity = now;
        // bytes received again after a restart, below the offset reached before, are no progress
        if (position > f.reached) {
          f.reached = position;
          if (!progressed) {
            job.noProgressSince = null;
          }
          progressed = true;
        }
      }
      engine.progress(job);
      if (limiter != null) {
        engine.await(limiter.take(n), run);
      }
    }
    awaitFlush();
    final long end = position;
    local(() -> ch.writeOut(end, true), f); // bytes staged for direct I/O go to the file now
    ex.finished();
  }

  private java.util.concurrent.@Nullable Future<?> pendingFlush;
  private volatile @Nullable TransferException flushError;

  /** The offset a written state file records: what a crash now would resume from. */
  private long durable(FileEntry f) {
    synchronized (engine.lock) {
      return f.confirmed;
    }
  }

  private void startFlush(FileEntry f, TempFile ch, long position) {
    try {
      pendingFlush = engine.flusher.submit(() -> {
        try {
          checkpoint(f, ch, position, false);
        } catch (TransferException e) {
          flushError = e;
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      pendingFlush = null; // closing: the final checkpoint covers it
    }
  }

  /** Waits for a background flush; rethrows its failure. */
  private void awaitFlush() throws TransferException {
    java.util.concurrent.Future<?> p = pendingFlush;
    pendingFlush = null;
    if (p != null) {
      boolean interrupted = false;
      while (true) {
        try {
          p.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
          break;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    TransferException e = flushError;
    if (e != null) {
      flushError = null;
      throw e;
    }
  }

  /** Writes the whole staged blocks before {@code position} to the file in the background, unforced. */
  private void startWriteOut(FileEntry f, TempFile ch, long position) {
    try {
      pendingFlush = engine.flusher.submit(() -> {
        try {
          ch.writeOutBlocks(position);
        } catch (IOException e) {
          flushError = local(e, f);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      pendingFlush = null; // closing: the final checkpoint covers it
    }
  }

  /** Waits for a background flush without rethrowing its failure. */
  private void settleFlush() {
    try {
      awaitFlush();
    } catch (TransferException e) {
      // the failure being handled comes first
    }
  }

  /** On the way out after a failure or stop: wait for the background flush, then force the rest. */
  private void finalCheckpoint(FileEntry f, TempFile ch, long position) throws TransferException {
    awaitFlush();
    checkpoint(f, ch, position, true);
  }

  private HttpSession session(HttpSession.Exchange ex) {
    return ex.outer();
  }

  /**
   * Forces the written bytes to disk, then records them as durable in the state file. {@code exact}
   * when no append runs (see {@link TempFile#force}).
   */
  private void checkpoint(FileEntry f, TempFile ch, long position, boolean exact) throws TransferException {
    boolean advance;
    synchronized (engine.lock) {
      advance = position > f.durable;
    }
    if (!advance) {
      return;
    }
    local(() -> ch.force(position, exact), f);
    synchronized (engine.lock) {
      if (f.written >= position && position > f.durable) {
        f.durable = position;
      }
    }
    engine.persistOrFail(job, f);
    // only now may the worker count these bytes as safe (the window is measured from here)
    synchronized (engine.lock) {
      if (f.durable >= position && position > f.confirmed) {
        f.confirmed = position;
      }
    }
  }

  /**
   * Checks that the temp file is still where {@code complete()} will look for it: the written bytes
   * went to an open file, which is lost if its path was removed meanwhile (its directory deleted).
   *
   * @throws IOException if it is gone ({@link java.nio.file.NoSuchFileException}) or the file at its
   *     path has another length
   */
  private static void checkInPlace(FileEntry f, long end) throws IOException {
    long size = java.nio.file.Files.size(f.temp);
    if (size != end) {
      throw new IOException("the temp file " + f.temp + " was changed by another program: " + size
          + " bytes, " + end + " written");
    }
  }

  private TempFile openTemp(FileEntry f) throws TransferException {
    try {
      long start;
      try (FileChannel ch = FileChannel.open(f.temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.READ)) {
        Engine.hide(f.temp);
        long len = ch.size();
        boolean restart = false;
        synchronized (engine.lock) {
          if (len < f.written) {
            // bytes we counted are gone (the temp file was truncated or replaced): start over
            f.restart();
            restart = true;
          }
          start = f.written;
        }
        if (restart) {
          ch.truncate(0);
          engine.persist(job);
        }
      }
      // bytes beyond the durable/written offset (a crash may have left some) are cut off here
      ByteBuffer r = ring(f);
      return TempFile.open(f.temp, start, r, r == null ? 0 : align);
    } catch (IOException e) {
      throw local(e, f);
    }
  }

  private @Nullable ByteBuffer ring;
  private int align;
  /** The directory whose alignment was looked up last (a file store lookup reads the mount table). */
  private @Nullable Path alignDir;
  private int dirAlign;

  /** The staging ring for direct I/O into {@code f}'s temp file; null for buffered writes. */
  private @Nullable ByteBuffer ring(FileEntry f) {
    if (!engine.directWrites || engine.durabilityBytes < TempFile.MIN_DIRECT_WINDOW) {
      return null;
    }
    Path dir = f.temp.toAbsolutePath().getParent();
    if (dir != null && !dir.equals(alignDir)) {
      dirAlign = TempFile.directAlignment(dir);
      alignDir = dir;
    }
    int a = dir == null ? 0 : dirAlign;
    if (a == 0) {
      return null;
    }
    ByteBuffer r = ring;
    if (r == null || align != a) {
      if (r != null) {
        engine.giveRing(r);
      }
      r = engine.takeRing(a);
      ring = r;
      align = r == null ? 0 : a;
    }
    return r;
  }

  interface IoAction {
    void run() throws IOException;
  }

  private TransferException local(IOException e, FileEntry f) {
    return withFile(TransferException.fatal(LocalErrors.hresult(e), ErrorContext.LOCAL_FILE,
        "local file " + f.temp + ": " + e, e), f);
  }

  private void local(IoAction a, FileEntry f) throws TransferException {
    try {
      a.run();
    } catch (IOException e) {
      throw local(e, f);
    }
  }

  interface ExchangeAction {
    HttpSession.Exchange run() throws TransferException;
  }

  private HttpSession.Exchange wrap(ExchangeAction a, FileEntry f) throws TransferException, Stopped {
    try {
      return a.run();
    } catch (TransferException e) {
      if (run.stop) {
        throw new Stopped();
      }
      throw withFile(e, f);
    }
  }

  /** Tags an error with the file it concerns. */
  private TransferException withFile(TransferException e, FileEntry f) {
    e.file = f;
    return e;
  }

  static boolean differs(@Nullable String stored, @Nullable String fresh) {
    return stored != null && fresh != null && !stored.equals(fresh);
  }
}
