package io.bits4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HresultTest {

  @Test
  void describesHttpErrorsAsBitsDoes() {
    assertThat(Hresult.httpError(404)).isEqualTo(0x80190194);
    assertThat(Hresult.describe(0x80190194))
        .isEqualTo("0x80190194 BG_E_HTTP_ERROR_404: The requested URL does not exist on the server.");
    assertThat(Hresult.httpStatus(0x801901A0)).hasValue(416);
    assertThat(Hresult.httpStatus(Hresult.BG_E_NOT_FOUND)).isEmpty();
    assertThat(Hresult.describe(Hresult.httpError(200))).contains("not valid");
  }

  @ParameterizedTest
  @CsvSource({
      "401, 0x80190191", "404, 0x80190194", "407, 0x80190197", "416, 0x801901A0", "500, 0x801901F4", "503, 0x801901F7"})
  void mapsHttpStatusesToFacility19(int status, String hex) {
    assertThat(Hresult.hex(Hresult.httpError(status))).isEqualTo(hex);
    assertThat(Hresult.name(Hresult.httpError(status))).hasValue("BG_E_HTTP_ERROR_" + status);
  }

  @Test
  void refusesNonHttpStatuses() {
    assertThatThrownBy(() -> Hresult.httpError(99)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Hresult.httpError(600)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Every public constant has its own name and a message, and the name matches the field. */
  @Test
  void everyConstantIsNamedAndDescribed() throws IllegalAccessException {
    Map<Integer, String> seen = new HashMap<>();
    int count = 0;
    for (Field f : Hresult.class.getFields()) {
      if (!Modifier.isStatic(f.getModifiers()) || f.getType() != int.class) {
        continue;
      }
      int code = f.getInt(null);
      count++;
      assertThat(seen.put(code, f.getName())).as("duplicate code for " + f.getName()).isNull();
      assertThat(Hresult.name(code)).as(f.getName()).isPresent();
      String name = Hresult.name(code).orElseThrow();
      if (f.getName().startsWith("BG_") || f.getName().equals("S_OK") || f.getName().equals("E_INVALIDARG")
          || f.getName().equals("E_ACCESSDENIED") || f.getName().equals("E_NOTIMPL")) {
        assertThat(name).isEqualTo(f.getName());
      }
      assertThat(Hresult.message(code)).as(f.getName()).get().asString().isNotBlank();
      assertThat(Hresult.describe(code)).startsWith(Hresult.hex(code) + " " + name + ": ");
      assertThat(Hresult.isSuccess(code)).as(f.getName()).isEqualTo(!f.getName().contains("_E_") && !f.getName().startsWith("E_"));
    }
    assertThat(count).isGreaterThan(70);
  }

  @ParameterizedTest
  @CsvSource({
      "BG_E_NOT_FOUND, 0x80200001", "BG_E_INVALID_STATE, 0x80200002", "BG_E_EMPTY, 0x80200003",
      "BG_S_PARTIAL_COMPLETE, 0x00200017", "BG_E_MISSING_FILE_SIZE, 0x80200011",
      "BG_E_INSUFFICIENT_RANGE_SUPPORT, 0x80200013", "BG_E_CONNECT_FAILURE, 0x8020002D",
      "BG_E_CONNECTION_CLOSED, 0x8020002E", "BG_E_TIMEOUT, 0x8020003B", "BG_E_BLOCKED_BY_POLICY, 0x8020003E",
      "BG_E_TOO_MANY_JOBS_PER_USER, 0x80200049", "BG_E_TOO_MANY_JOBS_PER_MACHINE, 0x80200050",
      "BG_E_REMOTE_FILE_CHANGED, 0x80200073", "E_INVALIDARG, 0x80070057", "E_ACCESSDENIED, 0x80070005",
      "E_NOTIMPL, 0x80004001", "E_WINHTTP_TIMEOUT, 0x80072EE2"})
  void constantsHaveTheSdkValues(String name, String hex) throws ReflectiveOperationException {
    int code = Hresult.class.getField(name).getInt(null);
    assertThat(Hresult.hex(code)).isEqualTo(hex);
  }

  @Test
  void unknownCodesAreDescribedHonestly() {
    assertThat(Hresult.describe(0x80201234)).isEqualTo("0x80201234 (unknown HRESULT)");
    assertThat(Hresult.name(0x80201234)).isEmpty();
  }

  @Test
  void bitsExceptionCarriesCodeNameAndContext() {
    BitsException e = new BitsException(Hresult.BG_E_INVALID_STATE, "job is CANCELLED");
    assertThat(e.hresult()).isEqualTo(Hresult.BG_E_INVALID_STATE);
    assertThat(e.context()).isEqualTo(ErrorContext.NONE);
    assertThat(e.getMessage()).isEqualTo("0x80200002 BG_E_INVALID_STATE: job is CANCELLED");
  }
}
