package io.bits4j.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bits4j.AuthTarget;
import io.bits4j.BitsClient;
import io.bits4j.BitsException;
import io.bits4j.ClientCapability;
import io.bits4j.ClientJob;
import io.bits4j.CompleteStatus;
import io.bits4j.CredentialScheme;
import io.bits4j.Credentials;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.JobError;
import io.bits4j.JobFile;
import io.bits4j.JobPriority;
import io.bits4j.JobSpec;
import io.bits4j.JobState;
import io.bits4j.JobTimes;
import io.bits4j.JobType;
import io.bits4j.testkit.RecordingJobListener;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link BitsClient} fulfils: the BITS job state machine, the error codes, files
 * invisible until {@code complete()}, nothing left after {@code cancel()}, and a real download of a
 * served file. Extend it in the implementation's tests.
 *
 * <pre>{@code
 * class PortableBitsClientContractTest extends BitsClientContract {
 *   protected BitsClient newClient() { return PortableBitsClient.builder().stateDirectory(state).build(); }
 *   protected URI urlOfTestFile() { return server.url("file.bin"); }
 *   protected byte[] testFileBytes() { return BYTES; }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh client from {@link #newClient()} (closed afterwards; jobs the test left
 * are cancelled). Waits are bounded by {@link #timeout()} and go through {@link
 * #awaitOutcome(ClientJob)}, which a test driving a manual clock overrides; checks that need the
 * client's clock moved by days are skipped unless the test overrides {@link
 * #advanceClock(Duration)}. Features outside {@link BitsClient#capabilities()} are checked to
 * throw E_NOTIMPL instead. What {@code close()} does to the jobs obtained before depends on
 * whether the client runs them itself or is a proxy ({@link #closeReleasesOnlyAProxy()}).
 */
public abstract class BitsClientContract {
  /** A directory for destinations, fresh per test. */
  @TempDir protected Path tempDir;

  /** The client under test, made by {@link #newClient()} before each test. */
  protected BitsClient client;

  private final List<ClientJob> created = new ArrayList<>();

  /** Creates the contract. */
  protected BitsClientContract() {}

  /** A new client. */
  protected abstract BitsClient newClient();

  /** The URL of a file the client can download. */
  protected abstract URI urlOfTestFile();

  /** The exact content of {@link #urlOfTestFile()}. */
  protected abstract byte[] testFileBytes();

  /** A URL whose server answers 404, or empty to skip the fatal-error test. */
  protected Optional<URI> urlOfMissingFile() {
    return Optional.empty();
  }

  /** The bound for every wait (default 60 s). */
  protected Duration timeout() {
    return Duration.ofSeconds(60);
  }

  /**
   * True if {@link BitsClient#close()} releases only a proxy of a client that keeps running its
   * jobs elsewhere (the remote client: the node keeps them): the job handles obtained through it
   * then throw {@link IllegalStateException}, like the client. False (the default) for a client
   * that runs its jobs itself (the fake, the portable client): after {@code close()} its jobs can
   * still be read, and every change throws BG_E_INVALID_STATE.
   */
  protected boolean closeReleasesOnlyAProxy() {
    return false;
  }

  /**
   * Moves the client's clock forward by {@code d}, running what falls due on the way, and returns
   * true; or returns false (the default) if this test cannot move the client's clock — the client
   * runs on the system clock, or on a machine elsewhere — and the checks of BITS's long timeouts
   * are skipped. A test whose client runs on a {@link io.bits4j.testkit.ManualClock} overrides it:
   *
   * <pre>{@code
   * protected boolean advanceClock(Duration d) {
   *   clock.advance(d);
   *   return true;
   * }
   * }</pre>
   */
  protected boolean advanceClock(Duration d) {
    return false;
  }

  /** The job inactivity timeout of the client under test (default BITS's 90 days). */
  protected Duration jobInactivityTimeout() {
    return Duration.ofDays(90);
  }

  /**
   * Waits (at most {@link #timeout()}) until the job settles and returns the state: by default
   * through {@link ClientJob#outcome()}. A test driving a manual clock overrides this to advance
   * the clock instead.
   */
  protected JobState awaitOutcome(ClientJob job) {
    CompletableFuture<JobState> f = job.outcome().toCompletableFuture();
    try {
      return f.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return fail("job " + job.id() + " did not settle within " + timeout() + "; state " + job.state());
    } catch (ExecutionException e) {
      return fail("outcome failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  /** A destination path in a fresh directory of {@link #tempDir}. */
  protected Path destination(String name) throws IOException {
    Path dir = Files.createTempDirectory(tempDir, "dest");
    return dir.resolve(name);
  }

  /** Creates a job and remembers it so that it is cancelled after the test if still alive. */
  protected ClientJob create(JobSpec spec) {
    ClientJob j = client.createJob(spec);
    created.add(j);
    return j;
  }

  /** Creates the client. */
  @BeforeEach
  protected void createClient() {
    client = newClient();
  }

  /** Cancels what the test left and closes the client. */
  @AfterEach
  protected void closeClient() {
    for (ClientJob j : created) {
      try {
        if (!j.state().isFinal()) {
          j.cancel();
        }
      } catch (BitsException e) {
        // already gone
      }
    }
    client.close();
  }

  /** Asserts that {@code body} throws {@link IllegalStateException}: use of a closed object. */
  protected static IllegalStateException assertClosed(Executable body) {
    return assertThrows(IllegalStateException.class, body, "a closed object is misuse: IllegalStateException");
  }

  /** Asserts that {@code body} throws a {@link BitsException} with this HRESULT. */
  protected static BitsException assertHresult(int expected, Executable body) {
    BitsException e = assertThrows(BitsException.class, body);
    assertEquals(Hresult.hex(expected), Hresult.hex(e.hresult()), () -> "HRESULT of " + e);
    return e;
  }

  private JobSpec.Builder spec(String name) {
    return JobSpec.builder(name).description("bits4j contract test");
  }

  private static List<Path> filesIn(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  @Test
  public void newJobIsSuspendedAndListed() throws IOException {
    ClientJob j = create(spec("suspended").addFile(urlOfTestFile(), destination("a.bin")).build());
    assertEquals(JobState.SUSPENDED, j.state());
    assertEquals("suspended", j.displayName());
    assertEquals("bits4j contract test", j.description());
    assertEquals(JobType.DOWNLOAD, j.type());
    assertEquals(JobPriority.NORMAL, j.priority());
    assertEquals(0, j.transientErrorCount());
    assertTrue(j.error().isEmpty(), "no error while suspended");
    assertFalse(j.owner().isEmpty(), "owner");
    JobTimes t = j.times();
    assertFalse(t.modification().isBefore(t.creation()));
    assertTrue(t.transferCompletion().isEmpty());
    assertTrue(client.jobs().stream().anyMatch(x -> x.id().equals(j.id())));
    assertEquals(j.id(), client.job(j.id()).id());
    assertTrue(client.findJob(j.id()).isPresent());
    assertEquals(1, j.files().size());
    assertEquals(1, j.progress().filesTotal());
    assertEquals(0, j.progress().filesTransferred());
    assertFalse(j.outcome().toCompletableFuture().isDone(), "a suspended job has not settled");
  }

  @Test
  public void jobStartedAtCreationIsNotSuspended() throws IOException {
    ClientJob j = create(spec("started").addFile(urlOfTestFile(), destination("a.bin")).start(true).build());
    assertNotEquals(JobState.SUSPENDED, j.state());
    assertFalse(j.state().isFinal());
  }

  @Test
  public void resumeWithoutFilesFailsWithEmpty() {
    ClientJob j = create(spec("empty").build());
    assertHresult(Hresult.BG_E_EMPTY, j::resume);
    assertEquals(JobState.SUSPENDED, j.state());
    assertTrue(j.files().isEmpty());
  }

  @Test
  public void addFileToSuspendedJob() throws IOException {
    ClientJob j = create(spec("add").build());
    Path dest = destination("a.bin");
    j.addFile(urlOfTestFile(), dest);
    List<JobFile> files = j.files();
    assertEquals(1, files.size());
    assertEquals(urlOfTestFile(), files.get(0).remoteUrl());
    assertEquals(dest, files.get(0).localFile());
    assertFalse(files.get(0).completed());
    assertHresult(Hresult.E_INVALIDARG, () -> j.addFile(URI.create("ftp://example.com/x"), dest));
    assertHresult(Hresult.E_INVALIDARG, () -> j.addFile(urlOfTestFile(), Path.of("relative.bin")));
    assertEquals(1, j.files().size());
  }

  @Test
  public void propertiesCanBeChanged() {
    ClientJob j = create(spec("props").build());
    j.setDisplayName("renamed");
    j.setDescription("described");
    j.setPriority(JobPriority.HIGH);
    j.setMinimumRetryDelay(Duration.ofSeconds(1));
    j.setNoProgressTimeout(Duration.ofMinutes(7));
    assertEquals("renamed", j.displayName());
    assertEquals("described", j.description());
    assertEquals(JobPriority.HIGH, j.priority());
    assertEquals(JobSpec.SMALLEST_RETRY_DELAY, j.minimumRetryDelay(), "raised to 5 s as BITS does");
    assertEquals(Duration.ofMinutes(7), j.noProgressTimeout());
  }

  @Test
  public void credentialsNeedTheirCapability() {
    ClientJob j = create(spec("creds").build());
    Credentials basic = Credentials.basic("alice", "secret");
    if (client.capabilities().contains(ClientCapability.BASIC_CREDENTIALS)) {
      j.setCredentials(basic);
      j.removeCredentials(AuthTarget.SERVER, CredentialScheme.BASIC);
    } else {
      assertHresult(Hresult.E_NOTIMPL, () -> j.setCredentials(basic));
    }
  }

  @Test
  public void customHeadersNeedTheirCapability() {
    ClientJob j = create(spec("headers").build());
    Map<String, String> h = Map.of("X-Bits4j-Test", "1");
    if (client.capabilities().contains(ClientCapability.CUSTOM_HEADERS)) {
      j.setCustomHeaders(h);
      assertEquals(h, j.customHeaders());
      j.setCustomHeaders(Map.of());
      assertTrue(j.customHeaders().isEmpty());
    } else {
      assertHresult(Hresult.E_NOTIMPL, () -> j.setCustomHeaders(h));
    }
  }

  @Test
  public void suspendNeedsItsCapability() throws IOException {
    ClientJob j = create(spec("suspend").addFile(urlOfTestFile(), destination("a.bin")).build());
    if (client.capabilities().contains(ClientCapability.SUSPEND)) {
      j.resume();
      j.suspend();
      assertEquals(JobState.SUSPENDED, j.state());
    } else {
      assertHresult(Hresult.E_NOTIMPL, j::suspend);
    }
  }

  @Test
  public void fullDownloadIsInvisibleUntilComplete() throws IOException {
    Path dest = destination("download.bin");
    ClientJob j = create(spec("download").addFile(urlOfTestFile(), dest).build());
    RecordingJobListener rec = new RecordingJobListener();
    j.addListener(rec);
    j.resume();

    assertEquals(JobState.TRANSFERRED, awaitOutcome(j));
    assertEquals(JobState.TRANSFERRED, j.state());
    assertFalse(Files.exists(dest), "files are invisible until complete()");
    int size = testFileBytes().length;
    assertEquals(size, j.progress().bytesTotal());
    assertEquals(size, j.progress().bytesTransferred());
    assertEquals(1, j.progress().filesTransferred());
    assertTrue(j.files().get(0).completed());
    assertTrue(j.times().transferCompletion().isPresent());
    assertTrue(rec.await(RecordingJobListener.Kind.TRANSFERRED, timeout()), "jobTransferred called: " + rec);
    assertEquals(JobState.TRANSFERRED, j.outcome().toCompletableFuture().getNow(null), "settled now");

    assertEquals(CompleteStatus.COMPLETE, j.complete());
    assertEquals(JobState.ACKNOWLEDGED, j.state());
    assertArrayEquals(testFileBytes(), Files.readAllBytes(dest));
    assertEquals(List.of(dest), filesIn(dest.getParent()), "no temporary files left");
    assertTrue(client.findJob(j.id()).isEmpty(), "final jobs vanish");
    assertTrue(client.jobs().stream().noneMatch(x -> x.id().equals(j.id())));
    assertHresult(Hresult.BG_E_NOT_FOUND, () -> client.job(j.id()));
    assertEquals(JobState.ACKNOWLEDGED, j.outcome().toCompletableFuture().getNow(null));
  }

  @Test
  public void everyOperationOnACompletedJobIsInvalid() throws IOException {
    Path dest = destination("a.bin");
    ClientJob j = create(spec("done").addFile(urlOfTestFile(), dest).build());
    j.complete();
    assertEquals(JobState.ACKNOWLEDGED, j.state());
    assertRefusesEveryChange(j, dest);
  }

  @Test
  public void everyOperationOnACancelledJobIsInvalid() throws IOException {
    Path dest = destination("a.bin");
    ClientJob j = create(spec("cancelled").addFile(urlOfTestFile(), dest).build());
    j.cancel();
    assertEquals(JobState.CANCELLED, j.state());
    assertTrue(client.findJob(j.id()).isEmpty(), "final jobs vanish");
    assertTrue(client.jobs().stream().noneMatch(x -> x.id().equals(j.id())));
    assertEquals(JobState.CANCELLED, j.outcome().toCompletableFuture().getNow(null), "settled at once");
    assertRefusesEveryChange(j, dest);
  }

  /** Every change to {@code j} throws BG_E_INVALID_STATE (a final job, or a closed client's). */
  private void assertRefusesEveryChange(ClientJob j, Path dest) {
    int invalid = Hresult.BG_E_INVALID_STATE;
    assertHresult(invalid, j::resume);
    assertHresult(invalid, j::complete);
    assertHresult(invalid, j::cancel);
    assertHresult(invalid, () -> j.addFile(urlOfTestFile(), dest));
    assertHresult(invalid, () -> j.setDisplayName("x"));
    assertHresult(invalid, () -> j.setDescription("x"));
    assertHresult(invalid, () -> j.setPriority(JobPriority.LOW));
    assertHresult(invalid, () -> j.setMinimumRetryDelay(Duration.ofSeconds(60)));
    assertHresult(invalid, () -> j.setNoProgressTimeout(Duration.ofSeconds(60)));
    if (client.capabilities().contains(ClientCapability.SUSPEND)) {
      assertHresult(invalid, j::suspend);
    }
    if (client.capabilities().contains(ClientCapability.BASIC_CREDENTIALS)) {
      assertHresult(invalid, () -> j.setCredentials(Credentials.basic("a", "b")));
    }
  }

  @Test
  public void completingAJobWithoutCompleteFilesIsPartial() throws IOException {
    Path dest = destination("a.bin");
    ClientJob j = create(spec("partial").addFile(urlOfTestFile(), dest).build());
    assertEquals(CompleteStatus.PARTIAL_COMPLETE, j.complete());
    assertEquals(JobState.ACKNOWLEDGED, j.state());
    assertFalse(Files.exists(dest), "an incomplete file is not kept");
    assertTrue(filesIn(dest.getParent()).isEmpty(), "nothing left behind");
  }

  @Test
  public void cancelAfterTransferLeavesNothing() throws IOException {
    Path dest = destination("a.bin");
    ClientJob j = create(spec("cancel").addFile(urlOfTestFile(), dest).start(true).build());
    assertEquals(JobState.TRANSFERRED, awaitOutcome(j));
    j.cancel();
    assertEquals(JobState.CANCELLED, j.state());
    assertTrue(filesIn(dest.getParent()).isEmpty(), "cancel() deletes every file of the job");
  }

  @Test
  public void cancelWhileSuspendedLeavesNothing() throws IOException {
    Path dest = destination("a.bin");
    ClientJob j = create(spec("cancel").addFile(urlOfTestFile(), dest).build());
    j.cancel();
    assertTrue(filesIn(dest.getParent()).isEmpty());
  }

  @Test
  public void resumingATransferredJobChangesNothing() throws IOException {
    Path dest = destination("a.bin");
    ClientJob j = create(spec("resume-transferred").addFile(urlOfTestFile(), dest).start(true).build());
    assertEquals(JobState.TRANSFERRED, awaitOutcome(j));
    j.resume();
    assertEquals(JobState.TRANSFERRED, j.state());
    assertEquals(CompleteStatus.COMPLETE, j.complete());
    assertArrayEquals(testFileBytes(), Files.readAllBytes(dest));
  }

  @Test
  public void aTransferredJobSuspendedAndResumedIsTransferredAgain() throws IOException {
    assumeTrue(client.capabilities().contains(ClientCapability.SUSPEND), "no suspend()");
    Path dest = destination("a.bin");
    ClientJob j = create(spec("suspend-transferred").addFile(urlOfTestFile(), dest).start(true).build());
    assertEquals(JobState.TRANSFERRED, awaitOutcome(j));
    j.suspend();
    assertEquals(JobState.SUSPENDED, j.state(), "any non-final state -> SUSPENDED (bits-spec 4.2)");
    assertFalse(j.outcome().toCompletableFuture().isDone(), "a suspended job has not settled");
    j.resume();
    assertEquals(JobState.TRANSFERRED, awaitOutcome(j));
    assertEquals(CompleteStatus.COMPLETE, j.complete());
    assertArrayEquals(testFileBytes(), Files.readAllBytes(dest));
  }

  @Test
  public void fileAddedToATransferredJobIsTransferredOnResume() throws IOException {
    Path first = destination("a.bin");
    Path second = destination("b.bin");
    ClientJob j = create(spec("add-after").addFile(urlOfTestFile(), first).start(true).build());
    assertEquals(JobState.TRANSFERRED, awaitOutcome(j));
    j.addFile(urlOfTestFile(), second);
    assertEquals(2, j.files().size());
    assertEquals(1, j.progress().filesTransferred());
    j.resume();
    assertEquals(JobState.TRANSFERRED, awaitOutcome(j), "TRANSFERRED -> AddFile + Resume -> QUEUED (bits-spec 4.2)");
    assertEquals(2, j.progress().filesTransferred());
    assertEquals(CompleteStatus.COMPLETE, j.complete());
    assertArrayEquals(testFileBytes(), Files.readAllBytes(first));
    assertArrayEquals(testFileBytes(), Files.readAllBytes(second));
  }

  @Test
  public void missingDestinationFolderIsALocalFileError() throws IOException {
    Path dest = destination("a.bin").resolveSibling("no-such-folder").resolve("a.bin");
    ClientJob j = create(spec("no-folder").addFile(urlOfTestFile(), dest).build());
    j.resume();
    assertEquals(JobState.ERROR, awaitOutcome(j));
    JobError e = j.error().orElseGet(() -> fail("ERROR without error()"));
    assertEquals(ErrorContext.LOCAL_FILE, e.context());
    assertEquals(Hresult.hex(Hresult.E_PATH_NOT_FOUND), Hresult.hex(e.hresult()));
  }

  @Test
  public void completeThatCannotMoveAFileKeepsTheJob() throws IOException {
    Path dest = destination("a.bin");
    ClientJob j = create(spec("cannot-move").addFile(urlOfTestFile(), dest).start(true).build());
    assertEquals(JobState.TRANSFERRED, awaitOutcome(j));
    for (Path p : filesIn(dest.getParent())) {
      Files.delete(p);
    }
    Files.delete(dest.getParent()); // the temporary file and the folder are gone
    BitsException e = assertThrows(BitsException.class, j::complete);
    assertEquals(Hresult.hex(Hresult.E_PATH_NOT_FOUND), Hresult.hex(e.hresult()), () -> "HRESULT of " + e);
    // LOCAL_FILE; a remote client gets only the WMI ReturnValue (an HRESULT, bits-spec 3.1)
    assertTrue(e.context() == ErrorContext.LOCAL_FILE || e.context() == ErrorContext.NONE, () -> "context of " + e);
    assertEquals(JobState.TRANSFERRED, j.state(), "a failed complete() leaves the job as it was");
    assertTrue(client.findJob(j.id()).isPresent());
    j.cancel();
    assertEquals(JobState.CANCELLED, j.state());
  }

  @Test
  public void missingFileIsAFatalError() throws IOException {
    Optional<URI> missing = urlOfMissingFile();
    assumeTrue(missing.isPresent(), "no URL of a missing file");
    Path dest = destination("a.bin");
    ClientJob j = create(spec("missing").addFile(missing.get(), dest).build());
    RecordingJobListener rec = new RecordingJobListener();
    j.addListener(rec);
    j.resume();
    assertEquals(JobState.ERROR, awaitOutcome(j));
    JobError e = j.error().orElseGet(() -> fail("ERROR without error()"));
    assertEquals(Hresult.hex(Hresult.httpError(404)), Hresult.hex(e.hresult()));
    assertEquals(ErrorContext.REMOTE_FILE, e.context());
    assertTrue(rec.await(RecordingJobListener.Kind.ERROR, timeout()), "jobError called: " + rec);
    j.cancel();
    assertTrue(filesIn(dest.getParent()).isEmpty());
  }

  @Test
  public void clientCallsAfterCloseThrowIllegalStateAndJobsFollowTheCloseRule() throws IOException {
    Path dest = destination("a.bin");
    // not through create(): the teardown could not cancel it after close()
    ClientJob j = client.createJob(spec("closed").addFile(urlOfTestFile(), dest).build());
    assertEquals(JobState.SUSPENDED, j.state());
    client.close();
    assertClosed(() -> client.createJob(spec("after close").build()));
    assertClosed(() -> client.findJob(j.id()));
    assertClosed(() -> client.job(j.id()));
    assertClosed(client::jobs);
    assertDoesNotThrow(client::close, "close() is idempotent");
    assertNotNull(j.id(), "a job's id needs no client");
    if (closeReleasesOnlyAProxy()) {
      assertClosed(j::state);
      assertClosed(j::displayName);
      assertClosed(j::resume);
      assertClosed(j::cancel);
      assertClosed(() -> j.setDisplayName("x"));
    } else {
      assertEquals(JobState.SUSPENDED, j.state(), "a closed client's jobs can still be read");
      assertEquals("closed", j.displayName());
      assertRefusesEveryChange(j, dest);
      assertEquals(JobState.SUSPENDED, j.state(), "a refused change changes nothing");
      assertEquals("closed", j.displayName());
    }
  }

  /**
   * BITS's JobInactivityTimeout (bits-spec 4.2): a job without activity — progress, or a change by
   * its owner — for the timeout is cancelled by the client, as cancel() would; skipped unless the
   * test can move the client's clock ({@link #advanceClock(Duration)}).
   */
  @Test
  public void aJobWithoutActivityForTheInactivityTimeoutIsCancelled() throws IOException {
    assumeTrue(advanceClock(Duration.ZERO), "this test cannot move the client's clock");
    Duration limit = jobInactivityTimeout();
    Duration minute = Duration.ofMinutes(1);
    assumeTrue(limit.compareTo(minute.multipliedBy(2)) > 0, "the check needs a timeout over two minutes");
    Path dest = destination("a.bin");
    // transferred, and then forgotten: nobody completes it
    ClientJob idle = create(spec("forgotten").addFile(urlOfTestFile(), dest).start(true).build());
    assertEquals(JobState.TRANSFERRED, awaitOutcome(idle));
    assertFalse(filesIn(dest.getParent()).isEmpty(), "the transferred file waits for complete()");
    RecordingJobListener rec = new RecordingJobListener();
    idle.addListener(rec);
    ClientJob wanted = create(spec("wanted").addFile(urlOfTestFile(), destination("b.bin")).build());
    CompletableFuture<JobState> wantedOutcome = wanted.outcome().toCompletableFuture();

    advanceClock(limit.minus(minute));
    assertEquals(JobState.TRANSFERRED, idle.state(), "not yet: a minute is left");
    wanted.setDescription("still wanted"); // a change by the owner is activity
    advanceClock(minute);
    assertTrue(rec.await(e -> e.state() == JobState.CANCELLED, timeout()),
        "no activity for the inactivity timeout -> cancelled by the client (bits-spec 4.2): " + rec);
    assertEquals(JobState.CANCELLED, idle.state());
    assertEquals(JobState.CANCELLED, idle.outcome().toCompletableFuture().getNow(null));
    assertTrue(idle.error().isEmpty(), "cancelled, not failed");
    assertTrue(client.findJob(idle.id()).isEmpty(), "final jobs vanish");
    assertTrue(filesIn(dest.getParent()).isEmpty(), "cancelled as cancel() does: no file left");
    assertHresult(Hresult.BG_E_INVALID_STATE, idle::complete);
    assertEquals(JobState.SUSPENDED, wanted.state(), "its owner changed it a minute ago");
    assertFalse(wantedOutcome.isDone());

    advanceClock(limit.minus(minute));
    assertEquals(JobState.CANCELLED, awaitOutcome(wanted), "a suspended job is not kept for ever either");
    assertTrue(client.findJob(wanted.id()).isEmpty());
  }
}
