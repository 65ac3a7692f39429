package io.bits4j;

import java.util.Objects;

/**
 * A user name and password for a server or proxy ({@code BG_AUTH_CREDENTIALS}).
 *
 * <p>{@link #toString()} never shows the password. Limits are BITS's: user name ≤ 300
 * characters, password ≤ 65,536.
 *
 * <pre>{@code
 * job.setCredentials(Credentials.basic("alice", secret));
 * }</pre>
 *
 * @param target server or proxy
 * @param scheme the authentication scheme
 * @param userName the user name; may be empty only for NTLM/Negotiate implicit credentials
 * @param password the password (may be empty)
 */
public record Credentials(AuthTarget target, CredentialScheme scheme, String userName, String password) {
  /**
   * Validates the lengths.
   *
   * @throws BitsException BG_E_USERNAME_TOO_LARGE or BG_E_PASSWORD_TOO_LARGE
   */
  public Credentials {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(userName, "userName");
    Objects.requireNonNull(password, "password");
    if (userName.length() > 300) {
      throw new BitsException(Hresult.BG_E_USERNAME_TOO_LARGE, "user name longer than 300 characters");
    }
    if (password.length() > 65_536) {
      throw new BitsException(Hresult.BG_E_PASSWORD_TOO_LARGE, "password longer than 65,536 characters");
    }
  }

  /** Basic credentials for the server. */
  public static Credentials basic(String userName, String password) {
    return new Credentials(AuthTarget.SERVER, CredentialScheme.BASIC, userName, password);
  }

  /** Digest credentials for the server. */
  public static Credentials digest(String userName, String password) {
    return new Credentials(AuthTarget.SERVER, CredentialScheme.DIGEST, userName, password);
  }

  /**
   * Implicit (logon) credentials for {@code target}: NTLM or Negotiate with the job owner's own
   * logon, sent to BITS as a NULL user name and password.
   */
  public static Credentials implicit(AuthTarget target, CredentialScheme scheme) {
    if (scheme != CredentialScheme.NTLM && scheme != CredentialScheme.NEGOTIATE) {
      throw new IllegalArgumentException("implicit credentials are NTLM or Negotiate only, not " + scheme);
    }
    return new Credentials(target, scheme, "", "");
  }

  /**
   * Whether these are implicit (logon) credentials: NTLM or Negotiate without a user name, which
   * BITS receives as {@code UserName = Password = NULL}.
   */
  public boolean isImplicit() {
    return userName.isEmpty() && (scheme == CredentialScheme.NTLM || scheme == CredentialScheme.NEGOTIATE);
  }

  @Override
  public String toString() {
    return "Credentials[" + target + ", " + scheme + ", user=" + userName + ", password=****]";
  }
}
