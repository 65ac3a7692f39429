package io.bits4j.client.windows.internal.com;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Guid;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@code IBackgroundCopyCallback} implemented in Java: a native object whose first word points
 * to a vtable of JNA callbacks (QueryInterface, AddRef, Release, JobTransferred, JobError,
 * JobModification, in slot order).
 *
 * <p>BITS calls it on RPC threads of this process, so the methods do no COM work at all: they
 * tell the {@link Sink} which event happened and return S_OK at once. The pointers BITS passes in
 * are not touched (not AddRef'd, not used after return).
 *
 * <p>Lifetime: created with one reference, owned by the creator, who gives it up with {@link
 * #Release()} after {@code SetNotifyInterface(NULL)}. While any reference exists, the object (its
 * memory and every JNA callback) stays strongly reachable from a static set, so a late call from
 * BITS never lands on collected code. Thread-safe.
 */
public final class JavaBackgroundCopyCallback {
  /** Receives the events; must be fast and must not call COM. */
  public interface Sink {
    /** JobTransferred (slot 3). */
    void jobTransferred();

    /** JobError (slot 4). */
    void jobError();

    /** JobModification (slot 5). */
    void jobModification();
  }

  private static final Set<JavaBackgroundCopyCallback> LIVE = ConcurrentHashMap.newKeySet();
  private static final int S_OK = 0;
  private static final int E_NOINTERFACE = Bits.E_NOINTERFACE;
  private static final int E_POINTER = Bits.E_POINTER;

  private final String label;
  private final Sink sink;
  private final Memory object;
  private final Memory vtable;
  private final AtomicInteger refs = new AtomicInteger(1);
  /** Set once the creator has given up its reference: what remains is COM's. */
  private volatile boolean ownerReleased;
  private final Guid.GUID iidUnknown = BitsIds.guid(BitsIds.IID_IUnknown);
  private final Guid.GUID iidCallback = BitsIds.guid(BitsIds.IID_IBackgroundCopyCallback);
  // Strong references to the callbacks: the vtable holds only their native trampolines.
  private final ComCallbacks.QueryInterface queryInterface = this::queryInterface;
  private final ComCallbacks.RefCount addRef = self -> addRef();
  private final ComCallbacks.RefCount release = self -> release();
  private final ComCallbacks.JobTransferred jobTransferred;
  private final ComCallbacks.JobError jobError;
  private final ComCallbacks.JobModification jobModification;

  /** A new object holding one reference for the caller. */
  public JavaBackgroundCopyCallback(Sink sink) {
    this("callback", sink);
  }

  /**
   * A new object holding one reference for the caller, named {@code label} in {@link
   * #describeLive()} (the job it watches, say).
   */
  public JavaBackgroundCopyCallback(String label, Sink sink) {
    this.label = java.util.Objects.requireNonNull(label, "label");
    this.sink = java.util.Objects.requireNonNull(sink, "sink");
    this.jobTransferred = (self, job) -> deliver(0);
    this.jobError = (self, job, error) -> deliver(1);
    this.jobModification = (self, job, reserved) -> deliver(2);
    int ptr = Native.POINTER_SIZE;
    vtable = new Memory(6L * ptr);
    vtable.setPointer(0, com.sun.jna.CallbackReference.getFunctionPointer(queryInterface));
    vtable.setPointer(ptr, com.sun.jna.CallbackReference.getFunctionPointer(addRef));
    vtable.setPointer(2L * ptr, com.sun.jna.CallbackReference.getFunctionPointer(release));
    vtable.setPointer(3L * ptr, com.sun.jna.CallbackReference.getFunctionPointer(jobTransferred));
    vtable.setPointer(4L * ptr, com.sun.jna.CallbackReference.getFunctionPointer(jobError));
    vtable.setPointer(5L * ptr, com.sun.jna.CallbackReference.getFunctionPointer(jobModification));
    object = new Memory(ptr);
    object.setPointer(0, vtable);
    LIVE.add(this);
  }

  /** The COM object pointer, to pass to {@code SetNotifyInterface}. */
  public Pointer getPointer() {
    return object;
  }

  /** The current reference count. */
  public int referenceCount() {
    return refs.get();
  }

  /** How many Java-implemented callback objects still have references (for leak tests). */
  public static int liveObjects() {
    return LIVE.size();
  }

  /**
   * The objects that still have references, one line each: the label, the count, and whether the
   * creator has given up its own (then the rest is held by COM: BITS's proxy, the stub manager).
   */
  public static java.util.List<String> describeLive() {
    return LIVE.stream().map(c -> c.label + " refs=" + c.refs.get()
        + (c.ownerReleased ? " (creator released it; held by COM)" : " (creator still holds it)")).sorted().toList();
  }

  /** The creator gives up its reference (once), as COM's Release does; returns the new count. */
  public int Release() {
    ownerReleased = true;
    return release();
  }

  private int queryInterface(Pointer self, Pointer riid, Pointer ppv) {
    try {
      if (ppv == null) {
        return E_POINTER;
      }
      if (riid != null) {
        Guid.GUID asked = new Guid.GUID(riid);
        if (asked.equals(iidUnknown) || asked.equals(iidCallback)) {
          addRef();
          ppv.setPointer(0, object);
          return S_OK;
        }
      }
      ppv.setPointer(0, Pointer.NULL);
      return E_NOINTERFACE;
    } catch (Throwable t) {
      return Bits.E_UNEXPECTED;
    }
  }

  private int addRef() {
    return refs.incrementAndGet();
  }

  private int release() {
    int n = refs.decrementAndGet();
    if (n == 0) {
      LIVE.remove(this);
    }
    return Math.max(n, 0);
  }

  private int deliver(int event) {
    try {
      switch (event) {
        case 0 -> sink.jobTransferred();
        case 1 -> sink.jobError();
        default -> sink.jobModification();
      }
    } catch (Throwable t) {
      // A notification must never unwind into BITS; polling still observes the change.
    }
    return S_OK;
  }
}
