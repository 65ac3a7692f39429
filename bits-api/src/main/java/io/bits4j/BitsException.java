package io.bits4j;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A refused operation or an unparseable input, carrying the HRESULT the Windows BITS service or
 * its WMI provider would return for it.
 *
 * <p>Thrown by API operations (not for calling-code misuse, which is NPE/IAE/ISE, and not for a
 * failing job, whose trouble is {@link ClientJob#error()}). Over WS-Management the HRESULT travels
 * as the method's {@code ReturnValue}.
 *
 * <pre>{@code
 * try {
 *   UrlPrefix.parse("http://+:80/Carmine/Sub");
 * } catch (BitsException e) {
 *   e.hresult();   // Hresult.E_INVALIDARG
 * }
 * }</pre>
 */
public class BitsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int hresult;
  private final ErrorContext context;

  /** An exception with the given HRESULT, context {@link ErrorContext#NONE} and a message. */
  public BitsException(int hresult, String message) {
    this(hresult, ErrorContext.NONE, message, null);
  }

  /** An exception with the given HRESULT, context, message and cause. */
  public BitsException(int hresult, ErrorContext context, String message, @Nullable Throwable cause) {
    super(format(hresult, message), cause);
    this.hresult = hresult;
    this.context = Objects.requireNonNull(context, "context");
  }

  private static String format(int hresult, String message) {
    Objects.requireNonNull(message, "message");
    return prefix(hresult) + message;
  }

  /** What {@link #getMessage()} puts before the message given: the HRESULT and its name. */
  static String prefix(int hresult) {
    return Hresult.hex(hresult) + Hresult.name(hresult).map(n -> " " + n).orElse("") + ": ";
  }

  /** The message as given to the constructor, without the HRESULT in front. */
  String detail() {
    String m = String.valueOf(getMessage());
    String p = prefix(hresult);
    return m.startsWith(p) ? m.substring(p.length()) : m;
  }

  /** The HRESULT, e.g. {@link Hresult#BG_E_INVALID_STATE}. */
  public int hresult() {
    return hresult;
  }

  /** Where the error happened; {@link ErrorContext#NONE} when not tied to a transfer. */
  public ErrorContext context() {
    return context;
  }
}
