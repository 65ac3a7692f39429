package io.bits4j.client.windows.internal;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Guid;
import io.bits4j.client.windows.internal.com.Bits;
import io.bits4j.client.windows.internal.com.BitsIds;
import io.bits4j.client.windows.internal.com.BitsUnknown;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A small BITS service made of {@link FakeCom} objects: a manager, jobs (Job..Job4 on one vtable,
 * HttpOptions as a tear-off), files, enumerators and errors, with the slot numbers of the SDK.
 * Tests change job state directly (under the world lock) and make methods fail on demand.
 */
final class FakeBits {
  final FakeCom com = new FakeCom();
  final FakeCom.FakeObject manager;
  final FakeCom.Runtime runtime;
  final Map<UUID, Job> jobs = new LinkedHashMap<>();
  /** Method name → HRESULT it returns instead of working (e.g. "Suspend" → E_NOTIMPL). */
  final Map<String, Integer> failures = new HashMap<>();
  /** When set, a call of the named job method blocks until the latch opens (a hung service). */
  volatile String hangOn;
  final java.util.concurrent.CountDownLatch hang = new java.util.concurrent.CountDownLatch(1);

  static final Set<String> JOB_IIDS = Set.of(BitsIds.IID_IUnknown, BitsIds.IID_IBackgroundCopyJob,
      BitsIds.IID_IBackgroundCopyJob2, BitsIds.IID_IBackgroundCopyJob3, BitsIds.IID_IBackgroundCopyJob4);

  final class File {
    final String remote;
    final String local;
    long total = -1;
    long transferred;
    boolean completed;

    File(String remote, String local) {
      this.remote = remote;
      this.local = local;
    }

    FakeCom.FakeObject object() {
      return com.new FakeObject("file " + local, 8,
          Set.of(BitsIds.IID_IUnknown, BitsIds.IID_IBackgroundCopyFile, BitsIds.IID_IBackgroundCopyFile2),
          (slot, a) -> switch (slot) {
            case 3 -> { com.outString(a[0], remote); yield 0; }
            case 4 -> { com.outString(a[0], local); yield 0; }
            case 5 -> {
              Pointer p = new Pointer(a[0]);
              p.setLong(0, total);
              p.setLong(8, transferred);
              p.setInt(16, completed ? 1 : 0);
              yield 0;
            }
            default -> Bits.E_NOTIMPL;
          });
    }
  }

  final class Job {
    final UUID id;
    String displayName;
    String description = "";
    int state = Bits.BG_JOB_STATE.SUSPENDED;
    int priority = Bits.BG_JOB_PRIORITY.NORMAL;
    int retryDelay = 600;
    int noProgressTimeout = 1_209_600;
    int notifyFlags = 3;
    Pointer notify;
    String headers;
    int proxyUsage;
    String proxyList;
    String proxyBypass;
    final List<File> files = new ArrayList<>();
    final List<String> credentials = new ArrayList<>();
    int errorContext;
    int errorCode;
    /** What IBackgroundCopyError::GetErrorDescription does: null → RPC_X_NULL_REF_POINTER (Wine). */
    String errorDescription;
    final FakeCom.FakeObject object;

    Job(UUID id, String displayName) {
      this.id = id;
      this.displayName = displayName;
      this.object = com.new FakeObject("job " + displayName, 53, JOB_IIDS, this::call);
      object.tearOffs.put(BitsIds.IID_IBackgroundCopyJobHttpOptions, this::httpOptions);
    }

    private boolean isFinal() {
      return state == Bits.BG_JOB_STATE.ACKNOWLEDGED || state == Bits.BG_JOB_STATE.CANCELLED;
    }

    private int call(int slot, long[] a) {
      String name = JOB_METHODS.getOrDefault(slot, "slot" + slot);
      com.calls.add(name);
      if (name.equals(hangOn)) {
        try {
          hang.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Integer fail = failures.get(name);
      if (fail != null) {
        return fail;
      }
      if (isFinal() && slot != 14 && slot != 10) {
        return Bits.BG_E_INVALID_STATE;
      }
      switch (slot) {
        case 3: { // AddFileSet
          int n = (int) a[0];
          Pointer p = new Pointer(a[1]);
          for (int i = 0; i < n; i++) {
            files.add(new File(p.getPointer(16L * i).getWideString(0), p.getPointer(16L * i + 8).getWideString(0)));
          }
          return 0;
        }
        case 4: files.add(new File(FakeCom.wide(a[0]), FakeCom.wide(a[1]))); return 0;
        case 5: enumerator("files", files.stream().map(File::object).toList()).out(a[0]); return 0;
        case 6: state = Bits.BG_JOB_STATE.SUSPENDED; return 0;
        case 7:
          if (files.isEmpty()) {
            return Bits.BG_E_EMPTY;
          }
          state = Bits.BG_JOB_STATE.QUEUED;
          return 0;
        case 8: finish(Bits.BG_JOB_STATE.CANCELLED); return 0;
        case 9: {
          boolean all = files.stream().allMatch(f -> f.completed);
          finish(Bits.BG_JOB_STATE.ACKNOWLEDGED);
          return all ? 0 : Bits.BG_S_PARTIAL_COMPLETE;
        }
        case 10: writeGuid(a[0], id); return 0;
        case 11: new Pointer(a[0]).setInt(0, 0); return 0;
        case 12: {
          Pointer p = new Pointer(a[0]);
          boolean known = files.stream().allMatch(f -> f.total >= 0);
          p.setLong(0, known ? files.stream().mapToLong(f -> f.total).sum() : -1);
          p.setLong(8, files.stream().mapToLong(f -> f.transferred).sum());
          p.setInt(16, files.size());
          p.setInt(20, (int) files.stream().filter(f -> f.completed).count());
          return 0;
        }
        case 13: {
          Pointer p = new Pointer(a[0]);
          p.setLong(0, 0x01DB_0000_0000_0000L); // some FILETIME
          p.setLong(8, 0x01DB_0000_0000_0001L);
          p.setLong(16, 0);
          return 0;
        }
        case 14: new Pointer(a[0]).setInt(0, state); return 0;
        case 15:
          if (errorCode == 0) {
            return Bits.BG_E_ERROR_INFORMATION_UNAVAILABLE;
          }
          errorObject().out(a[0]);
          return 0;
        case 16: com.outString(a[0], "S-1-5-21-1-2-3-1001"); return 0;
        case 17: displayName = FakeCom.wide(a[0]); return 0;
        case 18: com.outString(a[0], displayName); return 0;
        case 19: description = FakeCom.wide(a[0]); return 0;
        case 20: com.outString(a[0], description); return 0;
        case 21: priority = (int) a[0]; return 0;
        case 22: new Pointer(a[0]).setInt(0, priority); return 0;
        case 23: notifyFlags = (int) a[0]; return 0;
        case 24: new Pointer(a[0]).setInt(0, notifyFlags); return 0;
        case 25: { // SetNotifyInterface: keep a reference, as BITS does
          Pointer p = a[0] == 0 ? null : new Pointer(a[0]);
          if (p != null) {
            new BitsUnknown(p).AddRef();
          }
          releaseNotify();
          notify = p;
          return 0;
        }
        case 27: retryDelay = (int) a[0]; return 0;
        case 28: new Pointer(a[0]).setInt(0, retryDelay); return 0;
        case 29: noProgressTimeout = (int) a[0]; return 0;
        case 30: new Pointer(a[0]).setInt(0, noProgressTimeout); return 0;
        case 31: new Pointer(a[0]).setInt(0, 2); return 0;
        case 32:
          proxyUsage = (int) a[0];
          proxyList = FakeCom.wide(a[1]);
          proxyBypass = FakeCom.wide(a[2]);
          return 0;
        case 41: {
          Pointer p = new Pointer(a[0]);
          credentials.add(p.getInt(0) + "/" + p.getInt(4) + "/" + FakeCom.wide(Pointer.nativeValue(p.getPointer(8)))
              + "/" + FakeCom.wide(Pointer.nativeValue(p.getPointer(16))));
          return 0;
        }
        case 42: credentials.add("remove " + (int) a[0] + "/" + (int) a[1]); return 0;
        default: return Bits.E_NOTIMPL;
      }
    }

    private void releaseNotify() {
      if (notify != null) {
        new BitsUnknown(notify).Release();
        notify = null;
      }
    }

    private void finish(int finalState) {
      state = finalState;
      releaseNotify(); // the job is gone: BITS drops its callback
      jobs.remove(id);
    }

    private FakeCom.FakeObject httpOptions() {
      return com.new FakeObject("httpOptions " + displayName, 11,
          Set.of(BitsIds.IID_IBackgroundCopyJobHttpOptions), (slot, a) -> {
            String name = HTTP_METHODS.getOrDefault(slot, "http" + slot);
            com.calls.add(name);
            Integer fail = failures.get(name);
            if (fail != null) {
              return fail;
            }
            switch (slot) {
              case 3 -> {
                byte[] hash = new Pointer(a[2]).getByteArray(0, 20);
                credentials.add("cert " + (int) a[0] + "/" + FakeCom.wide(a[1]) + "/" + java.util.HexFormat.of().formatHex(hash));
                return 0;
              }
              case 4 -> {
                credentials.add("cert " + (int) a[0] + "/" + FakeCom.wide(a[1]) + "/" + FakeCom.wide(a[2]));
                return 0;
              }
              case 7 -> {
                headers = FakeCom.wide(a[0]);
                return 0;
              }
              case 8 -> {
                if (headers == null) {
                  new Pointer(a[0]).setPointer(0, Pointer.NULL);
                  return Bits.S_FALSE;
                }
                com.outString(a[0], headers);
                return 0;
              }
              default -> {
                return Bits.E_NOTIMPL;
              }
            }
          });
    }

    private FakeCom.FakeObject errorObject() {
      File file = files.isEmpty() ? null : files.get(0);
      return com.new FakeObject("error " + displayName, 8,
          Set.of(BitsIds.IID_IUnknown, BitsIds.IID_IBackgroundCopyError), (slot, a) -> {
            switch (slot) {
              case 3 -> {
                new Pointer(a[0]).setInt(0, errorContext);
                new Pointer(a[1]).setInt(0, errorCode);
                return 0;
              }
              case 4 -> {
                if (file == null) {
                  return 0x80200004;
                }
                file.object().out(a[0]);
                return 0;
              }
              case 5 -> {
                if (errorDescription == null) {
                  return Bits.RPC_X_NULL_REF_POINTER;
                }
                com.outString(a[1], errorDescription);
                return 0;
              }
              default -> {
                return Bits.E_NOTIMPL;
              }
            }
          });
    }
  }

  static final Map<Integer, String> JOB_METHODS = Map.ofEntries(
      Map.entry(3, "AddFileSet"), Map.entry(4, "AddFile"), Map.entry(5, "EnumFiles"), Map.entry(6, "Suspend"),
      Map.entry(7, "Resume"), Map.entry(8, "Cancel"), Map.entry(9, "Complete"), Map.entry(10, "GetId"),
      Map.entry(11, "GetType"), Map.entry(12, "GetProgress"), Map.entry(13, "GetTimes"), Map.entry(14, "GetState"),
      Map.entry(15, "GetError"), Map.entry(16, "GetOwner"), Map.entry(17, "SetDisplayName"),
      Map.entry(18, "GetDisplayName"), Map.entry(19, "SetDescription"), Map.entry(20, "GetDescription"),
      Map.entry(21, "SetPriority"), Map.entry(22, "GetPriority"), Map.entry(23, "SetNotifyFlags"),
      Map.entry(24, "GetNotifyFlags"), Map.entry(25, "SetNotifyInterface"), Map.entry(26, "GetNotifyInterface"),
      Map.entry(27, "SetMinimumRetryDelay"), Map.entry(28, "GetMinimumRetryDelay"),
      Map.entry(29, "SetNoProgressTimeout"), Map.entry(30, "GetNoProgressTimeout"), Map.entry(31, "GetErrorCount"),
      Map.entry(32, "SetProxySettings"), Map.entry(33, "GetProxySettings"), Map.entry(34, "TakeOwnership"),
      Map.entry(41, "SetCredentials"), Map.entry(42, "RemoveCredentials"));

  static final Map<Integer, String> HTTP_METHODS = Map.of(3, "SetClientCertificateByID", 4,
      "SetClientCertificateByName", 5, "RemoveClientCertificate", 7, "SetCustomHeaders", 8, "GetCustomHeaders");

  FakeBits() {
    manager = com.new FakeObject("manager", 7,
        Set.of(BitsIds.IID_IUnknown, BitsIds.IID_IBackgroundCopyManager), this::managerCall);
    runtime = com.new Runtime(manager);
  }

  private int managerCall(int slot, long[] a) {
    String name = switch (slot) {
      case 3 -> "CreateJob";
      case 4 -> "GetJob";
      case 5 -> "EnumJobs";
      default -> "GetErrorDescription";
    };
    com.calls.add(name);
    Integer fail = failures.get(name);
    if (fail != null) {
      return fail;
    }
    switch (slot) {
      case 3 -> {
        UUID id = UUID.randomUUID();
        Job job = new Job(id, FakeCom.wide(a[0]));
        jobs.put(id, job);
        writeGuid(a[2], id);
        job.object.out(a[3]);
        return 0;
      }
      case 4 -> {
        Job job = jobs.get(UUID.fromString(FakeCom.guidAt(a[0])));
        if (job == null) {
          return Bits.BG_E_NOT_FOUND;
        }
        job.object.out(a[1]);
        return 0;
      }
      case 5 -> {
        enumerator("jobs", jobs.values().stream().map(j -> j.object).toList()).out(a[1]);
        return 0;
      }
      default -> {
        return Bits.E_NOTIMPL;
      }
    }
  }

  /** An IEnum… over objects; each Next hands out one more reference. */
  private FakeCom.FakeObject enumerator(String what, List<FakeCom.FakeObject> items) {
    int[] next = {0};
    return com.new FakeObject("enum " + what, 8,
        Set.of(BitsIds.IID_IUnknown, BitsIds.IID_IEnumBackgroundCopyJobs, BitsIds.IID_IEnumBackgroundCopyFiles),
        (slot, a) -> {
          switch (slot) {
            case 3 -> {
              int celt = (int) a[0];
              Pointer rgelt = new Pointer(a[1]);
              int fetched = 0;
              while (fetched < celt && next[0] < items.size()) {
                items.get(next[0]++).out(Pointer.nativeValue(rgelt) + (long) fetched * Native.POINTER_SIZE);
                fetched++;
              }
              if (a[2] != 0) {
                new Pointer(a[2]).setInt(0, fetched);
              }
              return fetched == celt ? 0 : Bits.S_FALSE;
            }
            case 7 -> {
              new Pointer(a[0]).setInt(0, items.size());
              return 0;
            }
            default -> {
              return Bits.E_NOTIMPL;
            }
          }
        });
  }

  static void writeGuid(long address, UUID id) {
    Guid.GUID g = new Guid.GUID("{" + id + "}");
    g.write();
    new Pointer(address).write(0, g.getPointer().getByteArray(0, 16), 0, 16);
  }

  Job onlyJob() {
    synchronized (com) {
      return onlyJobLocked();
    }
  }

  private Job onlyJobLocked() {
    if (jobs.size() != 1) {
      throw new AssertionError("expected one job, have " + jobs.size());
    }
    return jobs.values().iterator().next();
  }

  /** Runs a change of the fake service under its lock. */
  void change(Runnable r) {
    synchronized (com) {
      r.run();
    }
  }
}
