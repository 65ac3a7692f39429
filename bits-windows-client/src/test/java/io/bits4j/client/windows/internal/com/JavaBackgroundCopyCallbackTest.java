package io.bits4j.client.windows.internal.com;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java-implemented IBackgroundCopyCallback, called through its own vtable as COM would. */
class JavaBackgroundCopyCallbackTest {
  @Test
  void answersQueryInterfaceCountsReferencesAndDeliversEvents() {
    int liveBefore = JavaBackgroundCopyCallback.liveObjects();
    List<String> events = new ArrayList<>();
    JavaBackgroundCopyCallback cb = new JavaBackgroundCopyCallback(new JavaBackgroundCopyCallback.Sink() {
      @Override
      public void jobTransferred() {
        events.add("transferred");
      }

      @Override
      public void jobError() {
        events.add("error");
      }

      @Override
      public void jobModification() {
        events.add("modified");
      }
    });
    assertThat(JavaBackgroundCopyCallback.liveObjects()).isEqualTo(liveBefore + 1);
    IBackgroundCopyCallback com = new IBackgroundCopyCallback(cb.getPointer());

    PointerByReference ppv = new PointerByReference();
    assertThat(com.QueryInterface(BitsIds.guid(BitsIds.IID_IBackgroundCopyCallback), ppv)).isZero();
    assertThat(ppv.getValue()).isEqualTo(cb.getPointer());
    assertThat(com.QueryInterface(BitsIds.guid(BitsIds.IID_IUnknown), ppv)).isZero();
    assertThat(cb.referenceCount()).isEqualTo(3);
    // The marshaller probes interfaces we do not implement: E_NOINTERFACE and a NULL out-pointer.
    ppv.setValue(new Memory(8));
    assertThat(com.QueryInterface(BitsIds.guid(BitsIds.IID_IBackgroundCopyCallback2), ppv)).isEqualTo(Bits.E_NOINTERFACE);
    assertThat(ppv.getValue()).isNull();
    assertThat(com.QueryInterface(BitsIds.guid("00000003-0000-0000-c000-000000000046"), ppv)) // IMarshal
        .isEqualTo(Bits.E_NOINTERFACE);

    Pointer job = new Memory(8);
    assertThat(com.JobTransferred(job)).isZero();
    assertThat(com.JobError(job, new Memory(8))).isZero();
    assertThat(com.JobModification(job, 0)).isZero();
    assertThat(events).containsExactly("transferred", "error", "modified");

    assertThat(com.AddRef()).isEqualTo(4);
    assertThat(com.Release()).isEqualTo(3);
    assertThat(com.Release()).isEqualTo(2);
    assertThat(com.Release()).isEqualTo(1);
    assertThat(JavaBackgroundCopyCallback.liveObjects()).isEqualTo(liveBefore + 1);
    assertThat(cb.Release()).isZero();
    assertThat(JavaBackgroundCopyCallback.liveObjects()).isEqualTo(liveBefore);
  }

  @Test
  void aThrowingSinkNeverUnwindsIntoTheCaller() {
    JavaBackgroundCopyCallback cb = new JavaBackgroundCopyCallback(new JavaBackgroundCopyCallback.Sink() {
      @Override
      public void jobTransferred() {
        throw new IllegalStateException("boom");
      }

      @Override
      public void jobError() {}

      @Override
      public void jobModification() {}
    });
    try {
      assertThat(new IBackgroundCopyCallback(cb.getPointer()).JobTransferred(new Memory(8))).isZero();
    } finally {
      cb.Release();
    }
  }

  @Test
  void describesWhoStillHoldsALiveObject() {
    JavaBackgroundCopyCallback.Sink none = new JavaBackgroundCopyCallback.Sink() {
      @Override
      public void jobTransferred() {}

      @Override
      public void jobError() {}

      @Override
      public void jobModification() {}
    };
    JavaBackgroundCopyCallback cb = new JavaBackgroundCopyCallback("job {describe-test}", none);
    IBackgroundCopyCallback com = new IBackgroundCopyCallback(cb.getPointer());
    assertThat(JavaBackgroundCopyCallback.describeLive()).contains("job {describe-test} refs=1 (creator still holds it)");
    com.AddRef(); // BITS's proxy, say
    cb.Release();
    assertThat(JavaBackgroundCopyCallback.describeLive()).contains("job {describe-test} refs=1 (creator released it; held by COM)");
    com.Release();
    assertThat(JavaBackgroundCopyCallback.describeLive()).noneMatch(l -> l.startsWith("job {describe-test}"));
  }
}
