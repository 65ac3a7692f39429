package io.bits4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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
      D:(A;OICIIO;GA;;;AU)                       | false | false | false | false
      D:(A;IO;GA;;;WD)(A;;GR;;;BA)               | false | false | false | true
      D:(D;OICIIO;GA;;;AU)(A;;GR;;;AU)           | false | true  | true  | true
      D:(A;CIOI;GR;;;AU)                         | false | true  | true  | true
      D:(A;;GR;;;S-1-5-11)                       | false | true  | true  | true
      D:(A;;GR;;;S-1-5-32-544)                   | false | false | false | true
      D:(A;;GR;;;S-1-5-7)                        | true  | false | false | false
      D:(A;;GR;;;S-1-1-0)                        | false | true  | true  | true
      D:(D;;GA;;;S-1-5-07)(A;;GR;;;AN)           | false | false | false | false
      D:(D;;GA;;;S-1-5-32-0544)(A;;GA;;;AU)      | false | true  | true  | false
      D:(A;;GR;;;S-1-05-000011)                  | false | true  | true  | true
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
      D:(A;;0x\uff11;;;WD)      | 6
      D:(A;;0x\u0661;;;WD)      | 6
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

  /**
   * Random ACE lists against a plain model of Windows' AccessCheck: walk the entries in order,
   * granted rights accumulate, a matching deny of a not-yet-granted wanted right denies.
   */
  @Property(tries = 500)
  void evaluationMatchesAReferenceModel(@ForAll("aceLists") List<String> aces, @ForAll("anyone") Principal who,
      @ForAll("wanted") int wanted) {
    AccessPolicy p = AccessPolicy.parse("D:" + String.join("", aces));
    assertThat(p.aces()).hasSize(aces.size());
    int want = wanted & 0x0FFFFFFF;
    want |= (wanted & AccessPolicy.GENERIC_READ) != 0 ? AccessPolicy.FILE_GENERIC_READ : 0;
    want |= (wanted & AccessPolicy.GENERIC_WRITE) != 0 ? AccessPolicy.FILE_GENERIC_WRITE : 0;
    want |= (wanted & AccessPolicy.GENERIC_EXECUTE) != 0 ? AccessPolicy.FILE_GENERIC_EXECUTE : 0;
    want |= (wanted & AccessPolicy.GENERIC_ALL) != 0 ? AccessPolicy.FILE_ALL_ACCESS : 0;
    boolean expected = want == 0;
    int granted = 0;
    for (AccessPolicy.Ace ace : p.aces()) {
      if (expected || !who.sids().contains(ace.sid())) {
        continue;
      }
      if (!ace.allow() && (ace.mask() & want & ~granted) != 0) {
        break;
      }
      granted |= ace.allow() ? ace.mask() : 0;
      expected = (granted & want) == want;
    }
    assertThat(p.allows(who, wanted)).isEqualTo(expected);
  }

  @Provide
  Arbitrary<List<String>> aceLists() {
    Arbitrary<String> rights = Arbitraries.oneOf(
        Arbitraries.of("GA", "GR", "GW", "GX", "FA", "FR", "FW", "FX", "GRGW"),
        Arbitraries.integers().between(1, 0x1FF).map(i -> "0x" + Integer.toHexString(i)));
    Arbitrary<String> trustee = Arbitraries.of("WD", "AU", "AN", "BA", "BU", "S-1-5-07",
        Principal.userSid("alice"), Principal.groupSid("Engineers"));
    return Combinators.combine(Arbitraries.of("A", "D"), rights, trustee)
        .as((type, r, t) -> "(" + type + ";;" + r + ";;;" + t + ")").list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<Principal> anyone() {
    return Arbitraries.of(Principal.ANONYMOUS, ALICE, BOB_ENGINEER, ADMIN,
        Principal.user("alice", Set.of("Engineers"), false));
  }

  @Provide
  Arbitrary<Integer> wanted() {
    return Arbitraries.oneOf(Arbitraries.of(AccessPolicy.FILE_READ_DATA, AccessPolicy.GENERIC_READ,
        AccessPolicy.GENERIC_ALL, AccessPolicy.FILE_GENERIC_READ), Arbitraries.integers().between(0, 0x1FF));
  }
}
