package io.bits4j.client.portable.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/** Test access to state files without taking the directory lock. */
public final class StateStoreAccess {
  private StateStoreAccess() {}

  /** Decodes the single job state file in a directory; null if there is none or it is damaged. */
  public static @Nullable Properties readOnly(Path dir) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "job-*.state")) {
      for (Path p : ds) {
        return StateStore.decode(Files.readAllBytes(p));
      }
    }
    return null;
  }

  /** Encodes properties as a state file. */
  public static byte[] encode(Properties p) {
    return StateStore.encode(p);
  }

  /** Decodes a state file. */
  public static @Nullable Properties decode(byte[] b) {
    return StateStore.decode(b);
  }
}
