package io.bits4j.client.windows.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.platform.win32.WinBase;
import io.bits4j.BitsException;
import io.bits4j.Hresult;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ComValuesTest {
  @Test
  void fileTimes() {
    assertThat(ComValues.instant(0L)).isEqualTo(Instant.parse("1601-01-01T00:00:00Z"));
    assertThat(ComValues.instant(116_444_736_000_000_000L)).isEqualTo(Instant.EPOCH);
    assertThat(ComValues.instant(116_444_736_000_000_001L)).isEqualTo(Instant.EPOCH.plusNanos(100));
    WinBase.FILETIME t = new WinBase.FILETIME();
    long ticks = 133_000_000_000_000_000L; // 2022-06-15T...
    t.dwHighDateTime = (int) (ticks >>> 32);
    t.dwLowDateTime = (int) ticks; // the low word is unsigned in C; negative in Java here
    assertThat(t.dwLowDateTime).isNegative();
    assertThat(ComValues.instant(t)).isEqualTo(ComValues.instant(ticks));
    assertThat(ComValues.instant(t)).isEqualTo(t.toDate().toInstant());
    assertThat(ComValues.isZero(new WinBase.FILETIME())).isTrue();
  }

  @Test
  void guids() {
    UUID u = UUID.fromString("6f0f4b7a-1234-4cde-8f00-0123456789ab");
    assertThat(ComValues.uuid(ComValues.guid(u))).isEqualTo(u);
  }

  @Test
  void remoteNames() {
    URI http = URI.create("http://127.0.0.1:8080/Carmine/a%20b.bin?x=1");
    assertThat(ComValues.remoteName(http)).isEqualTo("http://127.0.0.1:8080/Carmine/a%20b.bin?x=1");
    assertThat(ComValues.remoteUri("http://127.0.0.1:8080/Carmine/a%20b.bin?x=1")).isEqualTo(http);
    Path local = Path.of("/srv/files/a.bin").toAbsolutePath();
    assertThat(ComValues.remoteName(local.toUri())).isEqualTo(local.toString());
    assertThat(ComValues.remoteUri(local.toString())).isEqualTo(local.toUri());
    assertThat(ComValues.remoteUri("http://h/a b")).hasToString("http://h/a%20b");
    assertThatThrownBy(() -> ComValues.remoteName(URI.create("ftp://h/a")))
        .isInstanceOf(BitsException.class)
        .satisfies(e -> assertThat(((BitsException) e).hresult()).isEqualTo(Hresult.E_INVALIDARG));
  }

  @Test
  void headers() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("X-A", "1");
    h.put("Authorization", "Bearer a:b");
    String text = ComValues.formatHeaders(h);
    assertThat(text).isEqualTo("X-A: 1\r\nAuthorization: Bearer a:b\r\n");
    assertThat(ComValues.parseHeaders(text)).containsExactlyEntriesOf(h);
    assertThat(ComValues.parseHeaders(null)).isEmpty();
    assertThat(ComValues.parseHeaders("A:b\nC: d\r\n\r\n")).containsExactly(Map.entry("A", "b"), Map.entry("C", "d"));
  }

  @Test
  void failuresNameTheCallAndExplain() {
    BitsException notImpl = ComFailures.failure(Hresult.E_NOTIMPL, "IBackgroundCopyJob::Suspend");
    assertThat(notImpl.hresult()).isEqualTo(Hresult.E_NOTIMPL);
    assertThat(notImpl).hasMessageContaining("IBackgroundCopyJob::Suspend is not supported");
    BitsException logon = ComFailures.failure(Hresult.E_NOT_LOGGED_ON, "IBackgroundCopyManager::CreateJob");
    assertThat(logon).hasMessageStartingWith("0x800704DD ERROR_NOT_LOGGED_ON")
        .hasMessageContaining("interactive").hasMessageContaining("service account");
    assertThat(ComFailures.failure(0x80190194, "X")).hasMessageContaining("BG_E_HTTP_ERROR_404");
    assertThat(ComFailures.failure(0x800706F4, "X")).hasMessageContaining("RPC_X_NULL_REF_POINTER");
    assertThat(ComFailures.check(0x0020001A, "Cancel")).isEqualTo(0x0020001A); // success codes pass
    assertThatThrownBy(() -> ComFailures.check(0x80200002, "Resume")).isInstanceOf(BitsException.class)
        .hasMessageContaining("Resume failed: 0x80200002 BG_E_INVALID_STATE");
  }
}
