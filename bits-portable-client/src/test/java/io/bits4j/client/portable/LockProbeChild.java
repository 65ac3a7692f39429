package io.bits4j.client.portable;

import io.bits4j.BitsException;
import java.nio.file.Path;

/**
 * A child JVM that tries to open a portable client on a state directory and prints {@code OPENED}
 * or {@code REFUSED <hresult>}.
 */
public final class LockProbeChild {
  private LockProbeChild() {}

  public static void main(String[] args) {
    try (PortableBitsClient c = PortableBitsClient.builder().stateDirectory(Path.of(args[0]))
        .transfers(false).build()) {
      System.out.println("OPENED " + c.jobs().size());
    } catch (BitsException e) {
      System.out.println("REFUSED " + Integer.toHexString(e.hresult()));
    }
  }
}
