package io.bits4j.server.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-file descriptor cache: reused while the file is the same, never across versions. */
class OpenFileCacheTest {
  @TempDir Path dir;

  private Path file(String name, int size) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, new byte[size]);
    return p;
  }

  @Test
  void aSameFileIsServedFromOneDescriptor() throws Exception {
    Path f = file("a.bin", 1000);
    OpenFileCache cache = new OpenFileCache(f, System::nanoTime);
    OpenFileCache.Acquired a = cache.acquire();
    OpenFileCache.Acquired b = cache.acquire();
    assertThat(b.file()).isSameAs(a.file());
    assertThat(b.rep()).isEqualTo(a.rep());
    assertThat(a.file().refCnt()).isEqualTo(3); // the cache and two responses
    a.file().release();
    b.file().release();
    assertThat(a.file().channel.isOpen()).isTrue(); // kept for the next request
    cache.close();
    assertThat(a.file().channel.isOpen()).isFalse();
  }

  @Test
  void aReplacedFileIsOpenedAnewAndTheOldDescriptorClosesWhenItsLastResponseEnds() throws Exception {
    Path f = file("a.bin", 1000);
    OpenFileCache cache = new OpenFileCache(f, System::nanoTime);
    OpenFileCache.Acquired old = cache.acquire(); // a response still sending the old version
    Path next = file("next.bin", 2000);
    Files.setLastModifiedTime(next, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    Files.move(next, f, StandardCopyOption.REPLACE_EXISTING);
    OpenFileCache.Acquired fresh = cache.acquire();
    assertThat(fresh.file()).isNotSameAs(old.file());
    assertThat(fresh.rep().length()).isEqualTo(2000);
    assertThat(fresh.file().channel.size()).isEqualTo(2000);
    assertThat(fresh.rep().etag()).isNotEqualTo(old.rep().etag());
    assertThat(old.file().channel.isOpen()).isTrue(); // still sending: its bytes stay one version
    assertThat(old.file().channel.size()).isEqualTo(1000);
    old.file().release();
    assertThat(old.file().channel.isOpen()).isFalse();
    fresh.file().release();
    cache.close();
  }

  @Test
  void aFileWrittenInPlaceGetsNewValidators() throws Exception {
    Path f = file("a.bin", 1000);
    OpenFileCache cache = new OpenFileCache(f, System::nanoTime);
    OpenFileCache.Acquired first = cache.acquire();
    first.file().release();
    Files.write(f, new byte[1500]);
    OpenFileCache.Acquired second = cache.acquire();
    assertThat(second.rep().length()).isEqualTo(1500);
    assertThat(second.file()).isNotSameAs(first.file());
    assertThat(first.file().channel.isOpen()).isFalse();
    second.file().release();
    cache.close();
  }

  @Test
  void aDeletedFileDropsTheDescriptorAndIsOpenedAgainWhenPutBack() throws Exception {
    Path f = file("a.bin", 1000);
    OpenFileCache cache = new OpenFileCache(f, System::nanoTime);
    OpenFileCache.Acquired a = cache.acquire();
    a.file().release();
    Files.delete(f);
    assertThatThrownBy(cache::acquire).isInstanceOf(NoSuchFileException.class);
    assertThat(a.file().channel.isOpen()).isFalse(); // the deleted file's space is not held
    file("a.bin", 10);
    OpenFileCache.Acquired back = cache.acquire();
    assertThat(back.rep().length()).isEqualTo(10);
    back.file().release();
    cache.close();
  }

  @Test
  void theSweepClosesAnIdleDescriptorAndKeepsAUsedOne() throws Exception {
    Path f = file("a.bin", 1000);
    AtomicLong clock = new AtomicLong();
    OpenFileCache cache = new OpenFileCache(f, clock::get);
    OpenFileCache.Acquired a = cache.acquire();
    a.file().release();
    clock.addAndGet(59_000_000_000L);
    cache.sweep(60_000_000_000L);
    assertThat(a.file().channel.isOpen()).as("used 59 s ago, file unchanged").isTrue();
    clock.addAndGet(1_000_000_000L);
    cache.sweep(60_000_000_000L);
    assertThat(cache.isCached()).isFalse();
    assertThat(a.file().channel.isOpen()).as("idle for 60 s").isFalse();
    OpenFileCache.Acquired b = cache.acquire(); // the next request opens it again
    assertThat(b.rep()).isEqualTo(a.rep());
    b.file().release();
    cache.close();
  }

  /**
   * A Last-Modified is weak while its second is not over, and stays weak for the path once it went
   * out then: a version written later in that second has the same date (RFC 9110 §8.8.2.2).
   */
  @Test
  void aLastModifiedThatWentOutWithinItsSecondStaysWeak() throws Exception {
    Path f = file("a.bin", 1000);
    long second = 1_800_000_000L;
    Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(second, java.util.concurrent.TimeUnit.SECONDS));
    AtomicLong wall = new AtomicLong(second * 1000 + 999);
    OpenFileCache cache = new OpenFileCache(f, System::nanoTime, wall::get);
    OpenFileCache.Acquired a = cache.acquire();
    assertThat(a.rep().lastModifiedStrong()).as("within its second").isFalse();
    a.file().release();
    wall.set((second + 60) * 1000);
    OpenFileCache.Acquired b = cache.acquire();
    assertThat(b.rep().lastModifiedStrong()).as("went out within its second before").isFalse();
    b.file().release();
    cache.close();

    OpenFileCache other = new OpenFileCache(f, System::nanoTime, wall::get);
    OpenFileCache.Acquired c = other.acquire();
    assertThat(c.rep().lastModifiedStrong()).as("only ever served after its second").isTrue();
    c.file().release();
    wall.set(second * 1000 - 5_000); // the file's time lies in the future
    OpenFileCache.Acquired d = other.acquire();
    assertThat(d.rep().lastModifiedStrong()).isFalse();
    d.file().release();
    other.close();
  }

  @Test
  void theSweepClosesTheDescriptorOfADeletedFileAtOnceButNotUnderAResponse() throws Exception {
    Path f = file("a.bin", 1000);
    OpenFileCache cache = new OpenFileCache(f, System::nanoTime);
    OpenFileCache.Acquired sending = cache.acquire(); // a response still sending it
    Files.delete(f);
    cache.sweep(Long.MAX_VALUE);
    assertThat(cache.isCached()).isFalse();
    assertThat(sending.file().channel.isOpen()).as("the response's reference").isTrue();
    sending.file().release();
    assertThat(sending.file().channel.isOpen()).as("its space is given back when it ends").isFalse();
  }

  @Test
  void afterCloseNothingIsCached() throws Exception {
    Path f = file("a.bin", 1000);
    OpenFileCache cache = new OpenFileCache(f, System::nanoTime);
    cache.close();
    OpenFileCache.Acquired a = cache.acquire(); // a request that was already routed
    assertThat(a.file().refCnt()).isEqualTo(1);
    a.file().release();
    assertThat(a.file().channel.isOpen()).isFalse();
  }

  @Test
  void concurrentRequestsAndReplacementsLeakNoDescriptorAndNeverMixVersions() throws Exception {
    Path f = file("a.bin", 1000);
    OpenFileCache cache = new OpenFileCache(f, System::nanoTime);
    java.util.Set<SharedFile> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    Thread[] readers = new Thread[4];
    for (int t = 0; t < readers.length; t++) {
      readers[t] = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < 2000; i++) {
            OpenFileCache.Acquired a;
            try {
              a = cache.acquire();
            } catch (NoSuchFileException gone) {
              continue; // between a delete and the move that puts the next version in place
            }
            seen.add(a.file());
            // the validators describe the descriptor's bytes: one version, never a mix
            assertThat(a.file().channel.size()).isEqualTo(a.rep().length());
            a.file().release();
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
      readers[t].start();
    }
    start.countDown();
    for (int v = 1; v <= 50; v++) {
      Path next = file("v" + v, 1000 + v);
      Files.move(next, f, StandardCopyOption.REPLACE_EXISTING);
    }
    for (Thread t : readers) {
      t.join(60_000);
      assertThat(t.isAlive()).isFalse();
    }
    assertThat(failure.get()).isNull();
    cache.close();
    assertThat(seen).isNotEmpty().allSatisfy(sf -> {
      assertThat(sf.refCnt()).isZero();
      assertThat(sf.channel.isOpen()).isFalse();
    });
  }
}
