package io.bits4j.client.windows.internal.com;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every method of the mirror calls the vtable slot bits-com.md §2 gives it (copied below from the
 * SDK headers' {@code …Vtbl} structs), with the interface pointer as first argument. Each
 * interface is called on a recording object whose every slot is a Java callback; the table must
 * also cover every public method the class declares, so an added method needs a row here.
 */
class VtableSlotTest {
  interface Recorder extends Callback {
    int invoke(Pointer self, long a1, long a2, long a3, long a4, long a5);
  }

  static final Map<Class<?>, Map<String, Integer>> SLOTS = new LinkedHashMap<>();

  private static void slots(Class<?> type, Object... nameSlot) {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("QueryInterface", 0);
    for (int i = 0; i < nameSlot.length; i += 2) {
      m.put((String) nameSlot[i], (Integer) nameSlot[i + 1]);
    }
    SLOTS.put(type, m);
  }

  static {
    slots(IBackgroundCopyManager.class, "CreateJob", 3, "GetJob", 4, "EnumJobs", 5, "GetErrorDescription", 6);
    Object[] job = {"AddFileSet", 3, "AddFile", 4, "EnumFiles", 5, "Suspend", 6, "Resume", 7, "Cancel", 8,
        "Complete", 9, "GetId", 10, "GetType", 11, "GetProgress", 12, "GetTimes", 13, "GetState", 14,
        "GetError", 15, "GetOwner", 16, "SetDisplayName", 17, "GetDisplayName", 18, "SetDescription", 19,
        "GetDescription", 20, "SetPriority", 21, "GetPriority", 22, "SetNotifyFlags", 23, "GetNotifyFlags", 24,
        "SetNotifyInterface", 25, "GetNotifyInterface", 26, "SetMinimumRetryDelay", 27,
        "GetMinimumRetryDelay", 28, "SetNoProgressTimeout", 29, "GetNoProgressTimeout", 30,
        "GetErrorCount", 31, "SetProxySettings", 32, "GetProxySettings", 33, "TakeOwnership", 34};
    Object[] job2 = {"SetNotifyCmdLine", 35, "GetNotifyCmdLine", 36, "GetReplyProgress", 37, "GetReplyData", 38,
        "SetReplyFileName", 39, "GetReplyFileName", 40, "SetCredentials", 41, "RemoveCredentials", 42};
    Object[] job3 = {"ReplaceRemotePrefix", 43, "AddFileWithRanges", 44, "SetFileACLFlags", 45, "GetFileACLFlags", 46};
    Object[] job4 = {"SetPeerCachingFlags", 47, "GetPeerCachingFlags", 48, "GetOwnerIntegrityLevel", 49,
        "GetOwnerElevationState", 50, "SetMaximumDownloadTime", 51, "GetMaximumDownloadTime", 52};
    Object[] job5 = {"SetProperty", 53, "GetProperty", 54};
    slots(IBackgroundCopyJob.class, job);
    slots(IBackgroundCopyJob2.class, concat(job, job2));
    slots(IBackgroundCopyJob3.class, concat(job, job2, job3));
    slots(IBackgroundCopyJob4.class, concat(job, job2, job3, job4));
    slots(IBackgroundCopyJob5.class, concat(job, job2, job3, job4, job5));
    slots(IBackgroundCopyJobHttpOptions.class, "SetClientCertificateByID", 3, "SetClientCertificateByName", 4,
        "RemoveClientCertificate", 5, "GetClientCertificate", 6, "SetCustomHeaders", 7, "GetCustomHeaders", 8,
        "SetSecurityFlags", 9, "GetSecurityFlags", 10);
    Object[] file = {"GetRemoteName", 3, "GetLocalName", 4, "GetProgress", 5};
    slots(IBackgroundCopyFile.class, file);
    slots(IBackgroundCopyFile2.class, concat(file, new Object[] {"GetFileRanges", 6, "SetRemoteName", 7}));
    Object[] en = {"Next", 3, "Skip", 4, "Reset", 5, "Clone", 6, "GetCount", 7};
    slots(IEnumBackgroundCopyJobs.class, en);
    slots(IEnumBackgroundCopyFiles.class, en);
    slots(IBackgroundCopyError.class, "GetError", 3, "GetFile", 4, "GetErrorDescription", 5,
        "GetErrorContextDescription", 6, "GetProtocol", 7);
    slots(IBackgroundCopyCallback.class, "JobTransferred", 3, "JobError", 4, "JobModification", 5);
  }

  private static Object[] concat(Object[]... parts) {
    List<Object> all = new ArrayList<>();
    for (Object[] p : parts) {
      all.addAll(List.of(p));
    }
    return all.toArray();
  }

  static List<Class<?>> interfaces() {
    return List.copyOf(SLOTS.keySet());
  }

  @ParameterizedTest
  @MethodSource("interfaces")
  void everyMethodCallsItsSlot(Class<?> type) throws Exception {
    int count = 60;
    List<Integer> calledSlots = new ArrayList<>();
    List<Pointer> selves = new ArrayList<>();
    Memory vtbl = new Memory((long) count * Native.POINTER_SIZE);
    List<Recorder> keep = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      final int slot = i;
      Recorder r = (self, a1, a2, a3, a4, a5) -> {
        calledSlots.add(slot);
        selves.add(self);
        return 0x1234;
      };
      keep.add(r);
      vtbl.setPointer((long) i * Native.POINTER_SIZE, CallbackReference.getFunctionPointer(r));
    }
    Memory obj = new Memory(Native.POINTER_SIZE);
    obj.setPointer(0, vtbl);
    Object target = type.getConstructor(Pointer.class).newInstance(obj);

    Map<String, Integer> expected = SLOTS.get(type);
    List<String> declared = new ArrayList<>();
    for (Method m : type.getMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class
          || !BitsUnknown.class.isAssignableFrom(m.getDeclaringClass())
          || m.getDeclaringClass() == com.sun.jna.platform.win32.COM.Unknown.class) {
        continue;
      }
      if (m.getName().equals("QueryInterface") && m.getParameterTypes()[0] != Guid.GUID.class) {
        continue;
      }
      if (m.getDeclaringClass().getPackage() != BitsUnknown.class.getPackage()) {
        continue;
      }
      declared.add(m.getName());
      calledSlots.clear();
      selves.clear();
      Object hr = m.invoke(target, arguments(m));
      assertThat(hr).as(m.getName() + " returns the HRESULT").isEqualTo(0x1234);
      assertThat(calledSlots).as(type.getSimpleName() + "." + m.getName()).containsExactly(expected.get(m.getName()));
      assertThat(selves).as("this pointer").containsExactly(obj);
    }
    assertThat(declared).as("methods of " + type.getSimpleName()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    assertThat(keep).hasSize(count);
  }

  private static Object[] arguments(Method m) throws Exception {
    Class<?>[] types = m.getParameterTypes();
    Object[] args = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      Class<?> t = types[i];
      if (t == int.class) {
        args[i] = 1;
      } else if (t == long.class) {
        args[i] = 1L;
      } else if (t == WString.class) {
        args[i] = new WString("x");
      } else if (t == PointerByReference.class) {
        args[i] = new PointerByReference();
      } else if (t == IntByReference.class) {
        args[i] = new IntByReference();
      } else if (t == LongByReference.class) {
        args[i] = new LongByReference();
      } else if (t == Pointer.class) {
        args[i] = new Memory(32);
      } else if (t == Pointer[].class) {
        args[i] = new Pointer[1];
      } else if (Structure.class.isAssignableFrom(t)) {
        args[i] = t.getConstructor().newInstance();
      } else {
        throw new AssertionError("no sample argument for " + t + " in " + m);
      }
    }
    return args;
  }
}
