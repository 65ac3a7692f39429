package io.bits4j.client.windows.internal;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.ptr.PointerByReference;
import io.bits4j.client.windows.internal.com.BitsUnknown;
import io.bits4j.client.windows.internal.com.ComRuntime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process fake of COM objects: each {@link FakeObject} is native memory whose first word
 * points to a vtable of JNA callbacks implemented in Java, so the production mirror calls it
 * through real vtable slots. Tracks reference counts and CoTaskMem allocations for leak checks.
 * All handlers run under the world's lock.
 */
final class FakeCom {
  /** Every slot has this native shape: this plus up to five register-sized arguments. */
  interface Slot extends Callback {
    int invoke(Pointer self, long a1, long a2, long a3, long a4, long a5);
  }

  /** Handles slots 3 and up. */
  interface Handler {
    int call(int slot, long[] a);
  }

  static final int S_OK = 0;
  static final int E_NOINTERFACE = 0x80004002;

  final List<FakeObject> objects = new ArrayList<>();
  final Set<Long> taskMem = new HashSet<>();
  final List<String> errors = new ArrayList<>();
  final List<String> calls = new ArrayList<>();
  /** When set, every vtable call from another thread is recorded as an error. */
  volatile Thread comThread;

  /** A fake COM object. */
  final class FakeObject {
    final String name;
    final Memory obj;
    final Memory vtbl;
    final Slot[] slots;
    final Set<String> iids;
    final Handler handler;
    int refs;
    /** Interfaces reachable by QueryInterface as separate objects (IID lower case → factory). */
    final java.util.Map<String, java.util.function.Supplier<FakeObject>> tearOffs = new java.util.HashMap<>();

    FakeObject(String name, int slotCount, Set<String> iids, Handler handler) {
      this.name = name;
      this.iids = iids;
      this.handler = handler;
      this.slots = new Slot[slotCount];
      vtbl = new Memory((long) slotCount * Native.POINTER_SIZE);
      for (int i = 0; i < slotCount; i++) {
        final int slot = i;
        slots[i] = (self, a1, a2, a3, a4, a5) -> dispatch(slot, new long[] {a1, a2, a3, a4, a5});
        vtbl.setPointer((long) i * Native.POINTER_SIZE, CallbackReference.getFunctionPointer(slots[i]));
      }
      obj = new Memory(Native.POINTER_SIZE);
      obj.setPointer(0, vtbl);
      synchronized (FakeCom.this) {
        objects.add(this);
      }
    }

    private int dispatch(int slot, long[] a) {
      synchronized (FakeCom.this) {
        Thread expected = comThread;
        if (expected != null && Thread.currentThread() != expected) {
          errors.add(name + " slot " + slot + " called on " + Thread.currentThread().getName());
        }
        try {
          switch (slot) {
            case 0 -> {
              String iid = guidAt(a[0]);
              Pointer ppv = new Pointer(a[1]);
              if (iids.contains(iid)) {
                refs++;
                ppv.setPointer(0, obj);
                return S_OK;
              }
              var tear = tearOffs.get(iid);
              if (tear != null) {
                FakeObject t = tear.get();
                t.refs++;
                ppv.setPointer(0, t.obj);
                return S_OK;
              }
              ppv.setPointer(0, Pointer.NULL);
              return E_NOINTERFACE;
            }
            case 1 -> {
              return ++refs;
            }
            case 2 -> {
              if (refs <= 0) {
                errors.add("Release of " + name + " with no reference");
                return 0;
              }
              return --refs;
            }
            default -> {
              return handler.call(slot, a);
            }
          }
        } catch (Throwable t) {
          errors.add(name + " slot " + slot + ": " + t);
          return 0x8000FFFF;
        }
      }
    }

    /** Hands this object out through an out-parameter, with a reference for the receiver. */
    void out(long ppv) {
      refs++;
      new Pointer(ppv).setPointer(0, obj);
    }
  }

  static String guidAt(long address) {
    String s = new Guid.GUID(new Pointer(address)).toGuidString();
    return s.substring(1, s.length() - 1).toLowerCase(Locale.ROOT);
  }

  static String wide(long address) {
    return address == 0 ? null : new Pointer(address).getWideString(0);
  }

  /** An out-string allocated as BITS would (CoTaskMemAlloc), to be freed by the client. */
  synchronized void outString(long ppsz, String value) {
    long n = (long) (value.length() + 1) * Native.WCHAR_SIZE;
    long peer = Native.malloc(n);
    Pointer p = new Pointer(peer);
    p.setWideString(0, value);
    taskMem.add(peer);
    new Pointer(ppsz).setPointer(0, p);
  }

  /** Objects that still have references held by the client. */
  synchronized List<String> referenced() {
    List<String> out = new ArrayList<>();
    for (FakeObject o : objects) {
      if (o.refs != 0) {
        out.add(o.name + "=" + o.refs);
      }
    }
    return out;
  }

  /** A {@link ComRuntime} over this world. */
  final class Runtime implements ComRuntime {
    final AtomicInteger initialized = new AtomicInteger();
    final AtomicInteger uninitialized = new AtomicInteger();
    final AtomicInteger blankets = new AtomicInteger();
    final AtomicInteger disconnects = new AtomicInteger();
    volatile int initHr = S_OK;
    volatile int createHr = S_OK;
    volatile int blanketHr = 0x80004001; // E_NOTIMPL, as Wine answers
    volatile Thread comThread;
    /** When set, CoInitializeEx blocks until it opens (a slow start). */
    volatile java.util.concurrent.CountDownLatch initGate;
    /** When set, CoCreateInstance blocks until it opens (a slow service start). */
    volatile java.util.concurrent.CountDownLatch createGate;
    final FakeObject manager;

    Runtime(FakeObject manager) {
      this.manager = manager;
    }

    @Override
    public int coInitializeMultithreaded() {
      await(initGate);
      comThread = Thread.currentThread();
      FakeCom.this.comThread = comThread;
      initialized.incrementAndGet();
      return initHr;
    }

    @Override
    public void coUninitialize() {
      uninitialized.incrementAndGet();
    }

    @Override
    public int createBackgroundCopyManager(PointerByReference ppv) {
      checkThread("CoCreateInstance");
      await(createGate);
      if (createHr < 0) {
        return createHr;
      }
      synchronized (FakeCom.this) {
        manager.refs++;
      }
      ppv.setValue(manager.obj);
      return S_OK;
    }

    @Override
    public int setProxyBlanket(BitsUnknown proxy) {
      checkThread("CoSetProxyBlanket");
      blankets.incrementAndGet();
      return blanketHr;
    }

    @Override
    public void coTaskMemFree(Pointer p) {
      checkThread("CoTaskMemFree");
      long peer = Pointer.nativeValue(p);
      synchronized (FakeCom.this) {
        if (!taskMem.remove(peer)) {
          errors.add("CoTaskMemFree of memory not allocated by BITS: " + peer);
          return;
        }
      }
      Native.free(peer);
    }

    @Override
    public int coDisconnectObject(Pointer unknown) {
      checkThread("CoDisconnectObject");
      disconnects.incrementAndGet();
      return S_OK;
    }

    @Override
    public boolean isWine() {
      return false;
    }

    private void await(java.util.concurrent.CountDownLatch gate) {
      if (gate != null) {
        try {
          gate.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private void checkThread(String what) {
      if (Thread.currentThread() != comThread) {
        synchronized (FakeCom.this) {
          errors.add(what + " called on " + Thread.currentThread().getName() + ", not the COM thread");
        }
      }
    }
  }
}
