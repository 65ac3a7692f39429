package io.bits4j.client.windows.internal.com;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.AuthTarget;
import io.bits4j.CertStoreLocation;
import io.bits4j.CredentialScheme;
import io.bits4j.ErrorContext;
import io.bits4j.Hresult;
import io.bits4j.JobPriority;
import io.bits4j.JobState;
import io.bits4j.JobType;
import io.bits4j.ProxyUsage;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** CLSIDs/IIDs parse and round-trip; every BITS enum agrees with the bits4j API's codes. */
class IdsAndEnumsTest {
  @Test
  void guidsRoundTripThroughJnaInBinaryForm() throws Exception {
    int n = 0;
    for (var f : BitsIds.class.getFields()) {
      if (f.getType() != String.class) {
        continue;
      }
      String id = (String) f.get(null);
      assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
      var g = BitsIds.guid(id);
      assertThat(g.toGuidString().toLowerCase(Locale.ROOT)).isEqualTo("{" + id + "}");
      n++;
    }
    assertThat(n).isEqualTo(34); // 10 CLSIDs, 24 IIDs
    // Binary layout: Data1..3 little-endian, Data4 as bytes (IID_IBackgroundCopyJob).
    var g = BitsIds.guid(BitsIds.IID_IBackgroundCopyJob);
    g.write();
    assertThat(java.util.HexFormat.of().formatHex(g.getPointer().getByteArray(0, 16)))
        .isEqualTo("378d66377e50604193162630" + "6d150b12");
  }

  @Test
  void theIdsBitsComMdLists() {
    assertThat(BitsIds.CLSID_BackgroundCopyManager).isEqualTo("4991d34b-80a1-4291-83b6-3328366b9097");
    assertThat(BitsIds.IID_IBackgroundCopyManager).isEqualTo("5ce34c0d-0dc9-4c1f-897c-daa1b78cee7c");
    assertThat(BitsIds.IID_IBackgroundCopyJob).isEqualTo("37668d37-507e-4160-9316-26306d150b12");
    assertThat(BitsIds.IID_IBackgroundCopyJob2).isEqualTo("54b50739-686f-45eb-9dff-d6a9a0faa9af");
    assertThat(BitsIds.IID_IBackgroundCopyJobHttpOptions).isEqualTo("f1bd1079-9f01-4bdc-8036-f09b70095066");
    assertThat(BitsIds.IID_IBackgroundCopyError).isEqualTo("19c613a0-fcb8-4f28-81ae-897c3d078f81");
    assertThat(BitsIds.IID_IBackgroundCopyCallback).isEqualTo("97ea99c7-0186-4ad4-8df9-c5b4e0ed6b22");
    assertThat(BitsIds.IID_IEnumBackgroundCopyJobs).isEqualTo("1af4f612-3b71-466f-8f58-7b6f73ac57ad");
    assertThat(BitsIds.IID_IEnumBackgroundCopyFiles).isEqualTo("ca51e165-c365-424c-8d41-24aaa4ff3c40");
    assertThat(BitsIds.IID_IBackgroundCopyFile).isEqualTo("01b7bd23-fb88-4a77-8490-5891d3e4653a");
  }

  @Test
  void jobStates() {
    int[] com = {Bits.BG_JOB_STATE.QUEUED, Bits.BG_JOB_STATE.CONNECTING, Bits.BG_JOB_STATE.TRANSFERRING,
        Bits.BG_JOB_STATE.SUSPENDED, Bits.BG_JOB_STATE.ERROR, Bits.BG_JOB_STATE.TRANSIENT_ERROR,
        Bits.BG_JOB_STATE.TRANSFERRED, Bits.BG_JOB_STATE.ACKNOWLEDGED, Bits.BG_JOB_STATE.CANCELLED};
    JobState[] api = JobState.values();
    assertThat(api).hasSameSizeAs(com);
    for (int i = 0; i < com.length; i++) {
      assertThat(JobState.ofCode(com[i])).isEqualTo(api[i]);
      assertThat(com[i]).isEqualTo(i);
    }
  }

  @Test
  void otherEnums() {
    assertThat(JobType.ofCode(Bits.BG_JOB_TYPE.DOWNLOAD)).isEqualTo(JobType.DOWNLOAD);
    assertThat(JobType.ofCode(Bits.BG_JOB_TYPE.UPLOAD_REPLY)).isEqualTo(JobType.UPLOAD_REPLY);
    assertThat(JobPriority.FOREGROUND.code()).isEqualTo(Bits.BG_JOB_PRIORITY.FOREGROUND);
    assertThat(JobPriority.HIGH.code()).isEqualTo(Bits.BG_JOB_PRIORITY.HIGH);
    assertThat(JobPriority.NORMAL.code()).isEqualTo(Bits.BG_JOB_PRIORITY.NORMAL);
    assertThat(JobPriority.LOW.code()).isEqualTo(Bits.BG_JOB_PRIORITY.LOW);
    assertThat(ProxyUsage.PRECONFIG.code()).isEqualTo(Bits.BG_JOB_PROXY_USAGE.PRECONFIG);
    assertThat(ProxyUsage.NO_PROXY.code()).isEqualTo(Bits.BG_JOB_PROXY_USAGE.NO_PROXY);
    assertThat(ProxyUsage.OVERRIDE.code()).isEqualTo(Bits.BG_JOB_PROXY_USAGE.OVERRIDE);
    assertThat(ProxyUsage.AUTODETECT.code()).isEqualTo(Bits.BG_JOB_PROXY_USAGE.AUTODETECT);
    assertThat(ErrorContext.REMOTE_FILE.code()).isEqualTo(Bits.BG_ERROR_CONTEXT.REMOTE_FILE);
    assertThat(ErrorContext.LOCAL_FILE.code()).isEqualTo(Bits.BG_ERROR_CONTEXT.LOCAL_FILE);
    assertThat(ErrorContext.GENERAL_TRANSPORT.code()).isEqualTo(Bits.BG_ERROR_CONTEXT.GENERAL_TRANSPORT);
    assertThat(ErrorContext.SERVER_CERTIFICATE_CALLBACK.code()).isEqualTo(Bits.BG_ERROR_CONTEXT.SERVER_CERTIFICATE_CALLBACK);
    // COM numbers targets and schemes from 1 (WMI from 0)
    assertThat(AuthTarget.SERVER.comCode()).isEqualTo(Bits.BG_AUTH_TARGET.SERVER);
    assertThat(AuthTarget.PROXY.comCode()).isEqualTo(Bits.BG_AUTH_TARGET.PROXY);
    assertThat(CredentialScheme.BASIC.comCode()).isEqualTo(Bits.BG_AUTH_SCHEME.BASIC);
    assertThat(CredentialScheme.DIGEST.comCode()).isEqualTo(Bits.BG_AUTH_SCHEME.DIGEST);
    assertThat(CredentialScheme.NTLM.comCode()).isEqualTo(Bits.BG_AUTH_SCHEME.NTLM);
    assertThat(CredentialScheme.NEGOTIATE.comCode()).isEqualTo(Bits.BG_AUTH_SCHEME.NEGOTIATE);
    assertThat(CredentialScheme.PASSPORT.comCode()).isEqualTo(Bits.BG_AUTH_SCHEME.PASSPORT);
    assertThat(CertStoreLocation.CURRENT_USER.code()).isEqualTo(Bits.BG_CERT_STORE_LOCATION.CURRENT_USER);
    assertThat(CertStoreLocation.LOCAL_MACHINE.code()).isEqualTo(Bits.BG_CERT_STORE_LOCATION.LOCAL_MACHINE);
    assertThat(CertStoreLocation.LOCAL_MACHINE_ENTERPRISE.code()).isEqualTo(Bits.BG_CERT_STORE_LOCATION.LOCAL_MACHINE_ENTERPRISE);
  }

  @Test
  void hresultsAgreeWithTheApi() {
    assertThat(Bits.E_NOTIMPL).isEqualTo(Hresult.E_NOTIMPL);
    assertThat(Bits.BG_E_NOT_FOUND).isEqualTo(Hresult.BG_E_NOT_FOUND);
    assertThat(Bits.BG_E_INVALID_STATE).isEqualTo(Hresult.BG_E_INVALID_STATE);
    assertThat(Bits.BG_E_EMPTY).isEqualTo(Hresult.BG_E_EMPTY);
    assertThat(Bits.BG_E_ERROR_INFORMATION_UNAVAILABLE).isEqualTo(Hresult.BG_E_ERROR_INFORMATION_UNAVAILABLE);
    assertThat(Bits.BG_S_PARTIAL_COMPLETE).isEqualTo(Hresult.BG_S_PARTIAL_COMPLETE);
    assertThat(Bits.BG_S_UNABLE_TO_DELETE_FILES).isEqualTo(Hresult.BG_S_UNABLE_TO_DELETE_FILES);
    assertThat(Bits.RPC_X_NULL_REF_POINTER).isEqualTo(0x800706F4);
    assertThat(Bits.BG_NOTIFY_JOB_TRANSFERRED | Bits.BG_NOTIFY_JOB_ERROR | Bits.BG_NOTIFY_JOB_MODIFICATION)
        .isEqualTo(0x0B);
  }
}
