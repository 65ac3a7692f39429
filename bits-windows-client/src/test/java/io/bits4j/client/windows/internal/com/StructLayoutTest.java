package io.bits4j.client.windows.internal.com;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import org.junit.jupiter.api.Test;

/**
 * Sizes and field offsets of the JNA structures equal the x64 table of bits-com.md §3 (measured
 * there with mingw-w64 on Windows x64). Offsets are checked by writing a field and reading the
 * native memory at the expected offset, so a wrong field order or type fails.
 */
class StructLayoutTest {
  private static final int BOOL_MARK = 0x11223344;
  private static final long MARK = 0x0102030405060708L;

  @Test
  void fileProgress() {
    BG_FILE_PROGRESS s = new BG_FILE_PROGRESS();
    assertThat(s.size()).isEqualTo(24);
    s.BytesTotal = MARK;
    s.BytesTransferred = MARK + 1;
    s.Completed = BOOL_MARK;
    s.write();
    Pointer p = s.getPointer();
    assertThat(p.getLong(0)).isEqualTo(MARK);
    assertThat(p.getLong(8)).isEqualTo(MARK + 1);
    assertThat(p.getInt(16)).isEqualTo(BOOL_MARK);
  }

  @Test
  void jobProgress() {
    BG_JOB_PROGRESS s = new BG_JOB_PROGRESS();
    assertThat(s.size()).isEqualTo(24);
    s.BytesTotal = MARK;
    s.BytesTransferred = MARK + 1;
    s.FilesTotal = 7;
    s.FilesTransferred = 9;
    s.write();
    Pointer p = s.getPointer();
    assertThat(p.getLong(0)).isEqualTo(MARK);
    assertThat(p.getLong(8)).isEqualTo(MARK + 1);
    assertThat(p.getInt(16)).isEqualTo(7);
    assertThat(p.getInt(20)).isEqualTo(9);
  }

  @Test
  void jobTimes() {
    BG_JOB_TIMES s = new BG_JOB_TIMES();
    assertThat(s.size()).isEqualTo(24);
    s.CreationTime.dwLowDateTime = 1;
    s.CreationTime.dwHighDateTime = 2;
    s.ModificationTime.dwLowDateTime = 3;
    s.TransferCompletionTime.dwHighDateTime = 6;
    s.write();
    Pointer p = s.getPointer();
    assertThat(p.getInt(0)).isEqualTo(1);
    assertThat(p.getInt(4)).isEqualTo(2);
    assertThat(p.getInt(8)).isEqualTo(3);
    assertThat(p.getInt(20)).isEqualTo(6);
  }

  @Test
  void fileInfoAndItsArrayStride() {
    BG_FILE_INFO s = new BG_FILE_INFO();
    assertThat(s.size()).isEqualTo(16);
    BG_FILE_INFO[] a = (BG_FILE_INFO[]) s.toArray(2);
    a[1].RemoteName = new com.sun.jna.WString("r");
    a[1].LocalName = new com.sun.jna.WString("l");
    a[1].write();
    Pointer base = a[0].getPointer();
    assertThat(base.getPointer(16).getWideString(0)).isEqualTo("r");
    assertThat(base.getPointer(24).getWideString(0)).isEqualTo("l");
  }

  @Test
  void replyProgressAndFileRange() {
    assertThat(new BG_JOB_REPLY_PROGRESS().size()).isEqualTo(16);
    BG_FILE_RANGE r = new BG_FILE_RANGE();
    assertThat(r.size()).isEqualTo(16);
    r.InitialOffset = MARK;
    r.Length = Bits.BG_LENGTH_TO_EOF;
    r.write();
    assertThat(r.getPointer().getLong(0)).isEqualTo(MARK);
    assertThat(r.getPointer().getLong(8)).isEqualTo(-1L);
  }

  @Test
  void authCredentials() {
    BG_AUTH_CREDENTIALS s = new BG_AUTH_CREDENTIALS();
    assertThat(new BG_BASIC_CREDENTIALS().size()).isEqualTo(16);
    assertThat(new BG_AUTH_CREDENTIALS_UNION().size()).isEqualTo(16);
    assertThat(s.size()).isEqualTo(24);
    Memory user = new Memory(16);
    Memory password = new Memory(16);
    s.Target = Bits.BG_AUTH_TARGET.PROXY;
    s.Scheme = Bits.BG_AUTH_SCHEME.NEGOTIATE;
    s.Credentials.Basic.UserName = user;
    s.Credentials.Basic.Password = password;
    s.write();
    Pointer p = s.getPointer();
    assertThat(p.getInt(0)).isEqualTo(2);
    assertThat(p.getInt(4)).isEqualTo(4);
    assertThat(p.getPointer(8)).isEqualTo(user);
    assertThat(p.getPointer(16)).isEqualTo(password);
  }

  @Test
  void propertyUnions() {
    BITS_JOB_PROPERTY_VALUE v = new BITS_JOB_PROPERTY_VALUE();
    assertThat(v.size()).isEqualTo(16);
    v.setType(long.class);
    v.Uint64 = MARK;
    v.write();
    assertThat(v.getPointer().getLong(0)).isEqualTo(MARK);
    assertThat(new BITS_FILE_PROPERTY_VALUE().size()).isEqualTo(8);
  }

  @Test
  void readingBackFromNative() {
    Memory m = new Memory(24);
    m.setLong(0, -1L);
    m.setLong(8, 42);
    m.setInt(16, 3);
    m.setInt(20, 1);
    BG_JOB_PROGRESS s = Structure.newInstance(BG_JOB_PROGRESS.class, m);
    s.read();
    assertThat(s.BytesTotal).isEqualTo(Bits.BG_SIZE_UNKNOWN);
    assertThat(s.BytesTransferred).isEqualTo(42);
    assertThat(s.FilesTotal).isEqualTo(3);
    assertThat(s.FilesTransferred).isEqualTo(1);
  }
}
