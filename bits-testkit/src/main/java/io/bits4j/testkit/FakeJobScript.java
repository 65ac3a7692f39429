package io.bits4j.testkit;

import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link FakeBitsClient} job does once resumed: an immutable list of steps, one applied per
 * tick of the client's scheduler while the job is active (QUEUED, CONNECTING or TRANSFERRING).
 *
 * <ul>
 *   <li>{@link #progress(long)}: bytes arrive (TRANSFERRING); a file whose last byte arrives is
 *       written to a temporary file beside its destination and marked complete;
 *   <li>{@link #transientError(int)}: TRANSIENT_ERROR with that HRESULT; the job retries (back to
 *       QUEUED, then the next step) after its minimum retry delay, or goes to ERROR once it has
 *       been without progress for its no-progress timeout;
 *   <li>{@link #fatalError(int, ErrorContext)}: ERROR; a later {@code resume()} continues with the
 *       next step;
 *   <li>{@link #idle()}: one tick without change;
 *   <li>{@link #stall()}: the transfer hangs in TRANSFERRING for good (no more steps);
 *   <li>{@link #transferred()}: the remaining bytes arrive: TRANSFERRED.
 * </ul>
 *
 * <p>When the steps run out the job behaves as if {@link #transferred()} came next, so {@link
 * #SUCCESS} (no steps) transfers at the first tick. Before its first step the job learns its files'
 * sizes; a URL the client cannot resolve makes it ERROR with {@code BG_E_HTTP_ERROR_404}.
 *
 * <pre>{@code
 * FakeJobScript script = FakeJobScript.of(
 *     FakeJobScript.progress(1000),
 *     FakeJobScript.transientError(Hresult.BG_E_CONNECTION_CLOSED),
 *     FakeJobScript.progress(1000));   // then the rest: TRANSFERRED
 * }</pre>
 *
 * @param steps the steps, in order
 */
public record FakeJobScript(List<Step> steps) {
  /** Transfers everything at the first tick. */
  public static final FakeJobScript SUCCESS = new FakeJobScript(List.of());

  /** Copies the steps. */
  public FakeJobScript {
    steps = List.copyOf(steps);
  }

  /** A script of these steps. */
  public static FakeJobScript of(Step... steps) {
    return new FakeJobScript(List.of(steps));
  }

  /** One step of a script. */
  public sealed interface Step permits Progress, TransientError, FatalError, Idle, Stall, Transferred {}

  /**
   * Bytes arrive.
   *
   * @param bytes how many, at least 1
   */
  public record Progress(long bytes) implements Step {
    /** Validates. */
    public Progress {
      if (bytes < 1) {
        throw new IllegalArgumentException("bytes must be >= 1: " + bytes);
      }
    }
  }

  /**
   * A transient error.
   *
   * @param hresult the error code
   * @param context where it happened
   */
  public record TransientError(int hresult, ErrorContext context) implements Step {
    /** Validates. */
    public TransientError {
      Objects.requireNonNull(context, "context");
    }
  }

  /**
   * A fatal error.
   *
   * @param hresult the error code
   * @param context where it happened
   */
  public record FatalError(int hresult, ErrorContext context) implements Step {
    /** Validates. */
    public FatalError {
      Objects.requireNonNull(context, "context");
    }
  }

  /** One tick without change. */
  public record Idle() implements Step {}

  /** The transfer hangs for good. */
  public record Stall() implements Step {}

  /** Everything left arrives. */
  public record Transferred() implements Step {}

  /** {@code bytes} arrive. */
  public static Step progress(long bytes) {
    return new Progress(bytes);
  }

  /** A transient error in the transport ({@link ErrorContext#GENERAL_TRANSPORT}). */
  public static Step transientError(int hresult) {
    return new TransientError(hresult, ErrorContext.GENERAL_TRANSPORT);
  }

  /** A transient error: the connection was closed ({@link Hresult#BG_E_CONNECTION_CLOSED}). */
  public static Step connectionClosed() {
    return transientError(Hresult.BG_E_CONNECTION_CLOSED);
  }

  /** A fatal error. */
  public static Step fatalError(int hresult, ErrorContext context) {
    return new FatalError(hresult, context);
  }

  /** One tick without change. */
  public static Step idle() {
    return new Idle();
  }

  /** The transfer hangs for good. */
  public static Step stall() {
    return new Stall();
  }

  /** Everything left arrives. */
  public static Step transferred() {
    return new Transferred();
  }
}
