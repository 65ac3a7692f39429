package io.bits4j;

import java.util.Objects;
import java.util.UUID;

/**
 * A job's identifier: a GUID, as BITS assigns it.
 *
 * <p>{@link #toString()} gives the Windows form in braces, upper case ({@code
 * {6F0F4B7A-...}}), as the WMI provider's {@code JobId} property and {@code bitsadmin} show it;
 * {@link #parse(String)} accepts it with or without braces, in any case.
 *
 * @param uuid the GUID
 */
public record JobId(UUID uuid) {
  /** Validates the GUID. */
  public JobId {
    Objects.requireNonNull(uuid, "uuid");
  }

  /** A new random id. */
  public static JobId random() {
    return new JobId(UUID.randomUUID());
  }

  /**
   * Parses {@code {GUID}} or {@code GUID}.
   *
   * @throws BitsException E_INVALIDARG if the text is not a GUID
   */
  public static JobId parse(String text) {
    Objects.requireNonNull(text, "text");
    String s = text.strip();
    if (s.startsWith("{") && s.endsWith("}")) {
      s = s.substring(1, s.length() - 1);
    }
    if (s.length() != 36) {
      throw new BitsException(Hresult.E_INVALIDARG, "not a job id (GUID): '" + text + "'");
    }
    try {
      return new JobId(UUID.fromString(s));
    } catch (IllegalArgumentException e) {
      throw new BitsException(Hresult.E_INVALIDARG, "not a job id (GUID): '" + text + "'");
    }
  }

  @Override
  public String toString() {
    return "{" + uuid.toString().toUpperCase(java.util.Locale.ROOT) + "}";
  }
}
