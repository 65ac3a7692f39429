package io.bits4j.client.portable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.bits4j.Hresult;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class LocalErrorsTest {
  @Test
  void mapsWhatTheFileSystemSaysToTheHresultsBitsReports() {
    assertThat(LocalErrors.hresult(new AccessDeniedException("/d/f"))).isEqualTo(Hresult.E_ACCESSDENIED);
    assertThat(LocalErrors.hresult(new NoSuchFileException("/d/f"))).isEqualTo(Hresult.E_PATH_NOT_FOUND);
    assertThat(LocalErrors.hresult(new FileSystemException("/d/f", null, "No space left on device")))
        .isEqualTo(Hresult.E_DISK_FULL);
    assertThat(LocalErrors.hresult(new FileSystemException("/d/f", null, "Read-only file system")))
        .isEqualTo(Hresult.E_ACCESSDENIED);
    // EPERM, as a rename into an immutable directory (chattr +i) fails
    assertThat(LocalErrors.hresult(new FileSystemException("/d/.f.tmp", "/d/f", "Operation not permitted")))
        .isEqualTo(Hresult.E_ACCESSDENIED);
    assertThat(LocalErrors.hresult(new IOException("Input/output error"))).isEqualTo(Hresult.E_FAIL);
  }
}
