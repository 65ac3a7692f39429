package io.bits4j.client.portable.internal;

import io.bits4j.Hresult;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/** Maps local I/O failures to the Win32 HRESULTs BITS reports (context LOCAL_FILE). */
final class LocalErrors {
  static int hresult(IOException e) {
    if (e instanceof AccessDeniedException) {
      return Hresult.E_ACCESSDENIED;
    }
    if (e instanceof NoSuchFileException) {
      return Hresult.E_PATH_NOT_FOUND;
    }
    String msg = String.valueOf(e instanceof FileSystemException f ? f.getReason() : e.getMessage())
        .toLowerCase(Locale.ROOT);
    if (msg.contains("no space") || msg.contains("disk full") || msg.contains("quota")) {
      return Hresult.E_DISK_FULL;
    }
    // EPERM ("operation not permitted": an immutable or append-only file or directory) is a
    // refusal too; Windows reports it as access denied
    if (msg.contains("permission denied") || msg.contains("read-only") || msg.contains("operation not permitted")) {
      return Hresult.E_ACCESSDENIED;
    }
    return Hresult.E_FAIL;
  }

  private LocalErrors() {}
}
