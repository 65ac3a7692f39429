package io.bits4j.client.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.bits4j.BitsException;
import io.bits4j.Hresult;
import io.bits4j.client.windows.probe.NonWindowsProbe;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On a system other than Windows the module loads, {@link WindowsBitsClient#isSupported()} is
 * false, creating a client throws a {@link BitsException} that says why, and no native library is
 * loaded on the way. The native-library check runs in a fresh JVM (this one may have loaded JNA
 * for other tests), once on the class path and once with the module on the module path.
 */
class UnsupportedPlatformTest {
  @Test
  void createThrowsSayingWhy() {
    assumeFalse(System.getProperty("os.name").startsWith("Windows"), "runs on non-Windows systems");
    assertThat(WindowsBitsClient.isSupported()).isFalse();
    assertThatThrownBy(WindowsBitsClient::create)
        .isInstanceOf(BitsException.class)
        .satisfies(e -> assertThat(((BitsException) e).hresult()).isEqualTo(Hresult.E_NOTIMPL))
        .hasMessageContaining("needs the Windows BITS service")
        .hasMessageContaining(System.getProperty("os.name"));
    assertThatThrownBy(() -> WindowsBitsClient.builder().pollInterval(java.time.Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noNativeLibraryIsLoadedOnTheClassPath() throws Exception {
    assumeFalse(System.getProperty("os.name").startsWith("Windows"), "runs on non-Windows systems");
    List<String> out = probe(List.of("-cp", String.join(File.pathSeparator, locations())));
    assertThat(out).contains("module=null", "supported=false", "jna.loaded.afterIsSupported=null",
        "hresult=0x80004001", "jna.loaded.afterCreate=null");
  }

  @Test
  void theModuleResolvesOnTheModulePath() throws Exception {
    assumeFalse(System.getProperty("os.name").startsWith("Windows"), "runs on non-Windows systems");
    List<String> modules = locations().subList(0, 6);
    List<String> out = probe(List.of(
        "-p", String.join(File.pathSeparator, modules),
        "--add-modules", "io.bits4j.client.windows",
        "-cp", locations().get(6)));
    assertThat(out).contains("module=io.bits4j.client.windows", "supported=false",
        "hresult=0x80004001", "jna.loaded.afterCreate=null");
  }

  /** The module, its dependencies, then the test classes (last). */
  private static List<String> locations() throws URISyntaxException {
    List<String> l = new ArrayList<>();
    for (Class<?> c : new Class<?>[] {WindowsBitsClient.class, io.bits4j.BitsClient.class,
        com.sun.jna.Pointer.class, com.sun.jna.platform.win32.Guid.class, org.slf4j.Logger.class,
        org.jspecify.annotations.NullMarked.class, NonWindowsProbe.class}) {
      l.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    }
    return l;
  }

  private static List<String> probe(List<String> options) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(options);
    cmd.add(NonWindowsProbe.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] bytes = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("probe finished").isTrue();
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    return text.lines().toList();
  }
}
