package io.bits4j.client.windows.probe;

import io.bits4j.BitsException;
import io.bits4j.Hresult;
import io.bits4j.client.windows.WindowsBitsClient;

/**
 * Run in a fresh JVM by {@code UnsupportedPlatformTest}: loads the client on a non-Windows system
 * and reports, one fact per line, what happened — including whether JNA's native library got
 * loaded (JNA sets {@code jna.loaded} when it loads it).
 */
public final class NonWindowsProbe {
  private NonWindowsProbe() {}

  public static void main(String[] args) {
    System.out.println("module=" + WindowsBitsClient.class.getModule().getName());
    System.out.println("supported=" + WindowsBitsClient.isSupported());
    System.out.println("jna.loaded.afterIsSupported=" + System.getProperty("jna.loaded"));
    try {
      WindowsBitsClient.create().close();
      System.out.println("created");
    } catch (BitsException e) {
      System.out.println("hresult=" + Hresult.hex(e.hresult()));
      System.out.println("message=" + e.getMessage());
    }
    System.out.println("jna.loaded.afterCreate=" + System.getProperty("jna.loaded"));
  }
}
