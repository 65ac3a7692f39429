package io.bits4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessPolicyTest {
  private static final Principal ALICE = Principal.user("alice", Set.of(), false);
  private static final Principal BOB_ENGINEER = Principal.user("bob", Set.of("Engineers"), false);
  private static final Principal ADMIN = Principal.user("root", Set.of(UserStore.ADMINISTRATORS), true);

  private static final Map<String, Principal> PRINCIPALS = Map.of(
      "anon", Principal.ANONYMOUS, "alice", ALICE, "bob", BOB_ENGINEER, "admin", ADMIN);

  /** Policy × principal → may download; columns: anon, alice, bob (Engineers), admin. */
  @ParameterizedTest(name = "[{0}] anon={1} alice={2} bob={3} admin={4}")
  @CsvSource(delimiter = '|', textBlock = """
      ''                                         | true  | true  | true  | true
      D:                                         | false | false | false | false
      D:P                                        | false | false | false | false
      D:(A;;GA;;;WD)                             | false | true  | true  | true
      D:(A;;GR;;;AN)                             | true  | false | false | false
      D:(A;;GR;;;AN)(A;;GR;;;WD)                 | true  | true  | true  | true
      D:(A;;FR;;;AU)                             | false | true  | true  | true
      D:(A;;FA;;;BA)                             | false | false | false | true
      D:(A;;GR;;;BU)                             | false | true  | true  | true
      D:(A;;GW;;;AU)                             | false | false | false | false
      D:(A;;GX;;;AU)                             | false | false | false | false
      D:(A;;FW;;;AU)                             | false | false | false | false
      D:(A;;FX;;;AU)                             | false | false | false | false
      D:(A;;0x1;;;AU)                            | false | true  | true  | true
      D:(A;;0x00120089;;;AU)                     | false | true  | true  | true
      D:(A;;0x2;;;AU)                            | false | false | false | false
      D:(A;;0x80000000;;;AU)                     | false | true  | true  | true
      D:(D;;GA;;;AN)(A;;GR;;;WD)                 | false | true  | true  | true
      D:(D;;GA;;;BA)(A;;GA;;;AU)                 | false | true  | true  | false
      D:(A;;GA;;;AU)(D;;GA;;;BA)                 | false | true  | true  | true
      D:(D;;GW;;;AU)(A;;GR;;;AU)                 | false | true  | true  | true
      D:(D;;FR;;;AU)(A;;GA;;;WD)                 | false | false | false | false
      D:(D;;0x1;;;AU)(A;;GA;;;AU)                | false | false | false | false
      D:(D;;0x2;;;AU)(A;;GA;;;AU)                | false | true  | true  | true
      D:AI(A;OICI;GR;;;AU)                       | false | true  | true  | true
      D:(A;;GR;;;S-1-5-11)                       | false | true  | true  | true
      D:(A;;GR;;;S-1-5-32-544)                   | false | false | false | true
      D:(A;;GR;;;S-1-5-7)                        | true  | false | false | false
      D:(A;;GR;;;S-1-1-0)                        | false | true  | true  | true
      """)
  void evaluatesDownloadAccess(String sddl, boolean anon, boolean alice, boolean bob, boolean admin) {
    AccessPolicy p = AccessPolicy.parse(sddl);
    assertThat(p.allowsDownload(Principal.ANONYMOUS)).as("anonymous").isEqualTo(anon);
    assertThat(p.allowsDownload(ALICE)).as("alice").isEqualTo(alice);
    assertThat(p.allowsDownload(BOB_ENGINEER)).as("bob").isEqualTo(bob);
    assertThat(p.allowsDownload(ADMIN)).as("admin").isEqualTo(admin);
  }

  @ParameterizedTest
  @CsvSource({"alice, true", "bob, false", "anon, false", "admin, false"})
  void namesOneUserBySyntheticSid(String who, boolean allowed) {
    AccessPolicy p = AccessPolicy.parse("D:(A;;GR;;;" + Principal.userSid("ALICE") + ")");
    assertThat(p.allowsDownload(PRINCIPALS.get(who))).isEqualTo(allowed);
  }

  @ParameterizedTest
  @CsvSource({"alice, false", "bob, true"})
  void namesAGroupBySyntheticSid(String who, boolean allowed) {
    AccessPolicy p = AccessPolicy.parse("D:(A;;GR;;;" + Principal.groupSid("engineers") + ")");
    assertThat(p.allowsDownload(PRINCIPALS.get(who))).isEqualTo(allowed);
  }

  @org.junit.jupiter.api.Test
  void allowEntriesAccumulateUntilEveryWantedRightIsGranted() {
    AccessPolicy p = AccessPolicy.parse("D:(A;;0x1;;;AU)(A;;0x2;;;BU)(D;;0x4;;;AU)");
    assertThat(p.allows(ALICE, 0x3)).isTrue();
    assertThat(p.allows(ALICE, 0x7)).isFalse();
    assertThat(p.allows(ALICE, 0x1)).isTrue();
  }

  /** Malformed SDDL → E_INVALIDARG naming the position. */
  @ParameterizedTest(name = "{0} at {1}")
  @CsvSource(delimiter = '|', textBlock = """
      O:BAD:(A;;GA;;;WD)        | 0
      D:X(A;;GA;;;WD)           | 2
      D:(A;;GA;;;WD             | 2
      D:(X;;GA;;;WD)            | 3
      D:(A;;GA;;WD)             | 3
      D:(A;XX;GA;;;WD)          | 5
      D:(A;;;;;WD)              | 6
      D:(A;;ZZ;;;WD)            | 6
      D:(A;;GAF;;;WD)           | 8
      D:(A;;0x;;;WD)            | 6
      D:(A;;0x123456789;;;WD)   | 6
      D:(A;;GA;abc;;WD)         | 9
      D:(A;;GA;;abc;WD)         | 10
      D:(A;;GA;;;XY)            | 11
      D:(A;;GA;;;S-1-)          | 11
      D:(A;;GA;;;S-1-5-x)       | 11
      D:(A;;GA;;;WD)junk        | 14
      '  D:Q'                   | 4
      """)
  void refusesMalformedSddlNamingThePosition(String sddl, int position) {
    assertThatThrownBy(() -> AccessPolicy.parse(sddl))
        .isInstanceOfSatisfying(BitsException.class, e -> {
          assertThat(e.hresult()).isEqualTo(Hresult.E_INVALIDARG);
          assertThat(e.getMessage()).contains("position " + position + ":");
        });
  }

  @org.junit.jupiter.api.Test
  void emptyPolicyIsUncheckedAndKeepsItsText() {
    assertThat(AccessPolicy.parse("   ")).isSameAs(AccessPolicy.NONE);
    assertThat(AccessPolicy.NONE.isUnchecked()).isTrue();
    AccessPolicy p = AccessPolicy.parse(" D:(A;;GR;;;AU) ");
    assertThat(p.sddl()).isEqualTo("D:(A;;GR;;;AU)");
    assertThat(p).isEqualTo(AccessPolicy.parse("D:(A;;GR;;;AU)"));
    assertThat(p.aces()).containsExactly(new AccessPolicy.Ace(true, AccessPolicy.FILE_GENERIC_READ, Principal.AUTHENTICATED_USERS_SID));
  }
}
