package io.bits4j;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HRESULT codes used by BITS, the BITS WMI provider and bits4j, with their symbolic names and
 * messages.
 *
 * <p>An HRESULT is a 32-bit value; Java holds it in an {@code int}, so failure codes (high bit
 * set) are negative: {@code BG_E_NOT_FOUND} {@code 0x80200001} is {@code -2145386495}. Success
 * codes such as {@link #BG_S_PARTIAL_COMPLETE} are positive.
 *
 * <p>HTTP status errors follow the BITS rule {@code BG_E_HTTP_ERROR_nnn = 0x80190000 | nnn}:
 *
 * <pre>{@code
 * int hr = Hresult.httpError(404);          // 0x80190194
 * Hresult.describe(hr);                     // "0x80190194 BG_E_HTTP_ERROR_404: The requested URL does not exist on the server."
 * Hresult.httpStatus(hr);                   // OptionalInt[404]
 * }</pre>
 *
 * <p>This class is a constant holder; all methods are static, pure and thread-safe.
 */
public final class Hresult {
  private Hresult() {}

  // --- generic COM / Win32 ---
  /** The operation succeeded. */
  public static final int S_OK = 0x00000000;
  /** One or more arguments are not valid ({@code 0x80070057}). */
  public static final int E_INVALIDARG = 0x80070057;
  /** Access is denied ({@code 0x80070005}). */
  public static final int E_ACCESSDENIED = 0x80070005;
  /** Not implemented ({@code 0x80004001}). */
  public static final int E_NOTIMPL = 0x80004001;
  /** Unspecified failure ({@code 0x80004005}). */
  public static final int E_FAIL = 0x80004005;
  /** Ran out of memory or another resource ({@code 0x8007000E}). */
  public static final int E_OUTOFMEMORY = 0x8007000E;
  /** The object already exists: {@code HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS)} ({@code 0x800700B7}). */
  public static final int E_ALREADY_EXISTS = 0x800700B7;
  /** The element was not found: {@code HRESULT_FROM_WIN32(ERROR_NOT_FOUND)} ({@code 0x80070490}); used for missing URL groups and URLs. */
  public static final int E_NOT_FOUND = 0x80070490;
  /** The file does not exist: {@code HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)} ({@code 0x80070002}). */
  public static final int E_FILE_NOT_FOUND = 0x80070002;
  /** The operation timed out: {@code HRESULT_FROM_WIN32(ERROR_TIMEOUT)} ({@code 0x800705B4}). */
  public static final int E_TIMEOUT = 0x800705B4;
  /** The operation was cancelled: {@code HRESULT_FROM_WIN32(ERROR_CANCELLED)} ({@code 0x800704C7}). */
  public static final int E_CANCELLED = 0x800704C7;
  /** No interactive logon session for the job owner ({@code 0x800704DD} ERROR_NOT_LOGGED_ON). */
  public static final int E_NOT_LOGGED_ON = 0x800704DD;

  // --- BITS, facility 0x20 ---
  /** The requested job was not found. */
  public static final int BG_E_NOT_FOUND = 0x80200001;
  /** The requested action is not allowed in the current job state. */
  public static final int BG_E_INVALID_STATE = 0x80200002;
  /** There are no files attached to this job. */
  public static final int BG_E_EMPTY = 0x80200003;
  /** No file is available because no URL generated an error. */
  public static final int BG_E_FILE_NOT_AVAILABLE = 0x80200004;
  /** No protocol is available because no URL generated an error. */
  public static final int BG_E_PROTOCOL_NOT_AVAILABLE = 0x80200005;
  /** No errors have occurred. */
  public static final int BG_S_ERROR_CONTEXT_NONE = 0x00200006;
  /** The error occurred in an unknown location. */
  public static final int BG_E_ERROR_CONTEXT_UNKNOWN = 0x80200007;
  /** The error occurred in the queue manager. */
  public static final int BG_E_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER = 0x80200008;
  /** The error occurred while processing the local file. */
  public static final int BG_E_ERROR_CONTEXT_LOCAL_FILE = 0x80200009;
  /** The error occurred while processing the remote file. */
  public static final int BG_E_ERROR_CONTEXT_REMOTE_FILE = 0x8020000A;
  /** The error occurred in the transport layer. */
  public static final int BG_E_ERROR_CONTEXT_GENERAL_TRANSPORT = 0x8020000B;
  /** The error occurred while notifying the application. */
  public static final int BG_E_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION = 0x8020000C;
  /** The destination volume is locked (for example by chkdsk); retried when it is free. */
  public static final int BG_E_DESTINATION_LOCKED = 0x8020000D;
  /** The destination volume changed. */
  public static final int BG_E_VOLUME_CHANGED = 0x8020000E;
  /** No error information is available: the job is not in an error state. */
  public static final int BG_E_ERROR_INFORMATION_UNAVAILABLE = 0x8020000F;
  /** No network connection is active. */
  public static final int BG_E_NETWORK_DISCONNECTED = 0x80200010;
  /** The server did not return the file size (no Content-Length). */
  public static final int BG_E_MISSING_FILE_SIZE = 0x80200011;
  /** The server does not support HTTP 1.1. */
  public static final int BG_E_INSUFFICIENT_HTTP_SUPPORT = 0x80200012;
  /** The server does not support the Content-Range header (no range support). */
  public static final int BG_E_INSUFFICIENT_RANGE_SUPPORT = 0x80200013;
  /** BITS cannot be used remotely. */
  public static final int BG_E_REMOTE_NOT_SUPPORTED = 0x80200014;
  /** The new owner's drive mapping differs from the current owner's. */
  public static final int BG_E_NEW_OWNER_DIFF_MAPPING = 0x80200015;
  /** The new owner cannot access the job's temporary files. */
  public static final int BG_E_NEW_OWNER_NO_FILE_ACCESS = 0x80200016;
  /** Complete kept only the files that were fully transferred. */
  public static final int BG_S_PARTIAL_COMPLETE = 0x00200017;
  /** The proxy list is longer than 32,000 characters. */
  public static final int BG_E_PROXY_LIST_TOO_LARGE = 0x80200018;
  /** The proxy bypass list is longer than 32,000 characters. */
  public static final int BG_E_PROXY_BYPASS_LIST_TOO_LARGE = 0x80200019;
  /** Some temporary files could not be deleted. */
  public static final int BG_S_UNABLE_TO_DELETE_FILES = 0x0020001A;
  /** The server's response was not valid; resume the job to try again. */
  public static final int BG_E_INVALID_SERVER_RESPONSE = 0x8020001B;
  /** An upload job holds more than one file. */
  public static final int BG_E_TOO_MANY_FILES = 0x8020001C;
  /** The local file of an upload changed. */
  public static final int BG_E_LOCAL_FILE_CHANGED = 0x8020001D;
  /** The error text comes from the server application. */
  public static final int BG_E_ERROR_CONTEXT_REMOTE_APPLICATION = 0x8020001E;
  /** The upload session is unknown on the server. */
  public static final int BG_E_SESSION_NOT_FOUND = 0x8020001F;
  /** The upload exceeds the server's limit. */
  public static final int BG_E_TOO_LARGE = 0x80200020;
  /** A string is too long (for example custom headers over 16 KB). */
  public static final int BG_E_STRING_TOO_LONG = 0x80200021;
  /** Client and server have no upload protocol in common. */
  public static final int BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH = 0x80200022;
  /** The server's virtual directory has script or execute rights. */
  public static final int BG_E_SERVER_EXECUTE_ENABLE = 0x80200023;
  /** The job is not making progress; the server may be misconfigured. */
  public static final int BG_E_NO_PROGRESS = 0x80200024;
  /** The user name is longer than 300 characters. */
  public static final int BG_E_USERNAME_TOO_LARGE = 0x80200025;
  /** The password is longer than 65,536 characters. */
  public static final int BG_E_PASSWORD_TOO_LARGE = 0x80200026;
  /** The authentication target is not valid. */
  public static final int BG_E_INVALID_AUTH_TARGET = 0x80200027;
  /** The authentication scheme is not valid. */
  public static final int BG_E_INVALID_AUTH_SCHEME = 0x80200028;
  /** The file is not part of the job. */
  public static final int BG_E_FILE_NOT_FOUND = 0x80200029;
  /** The proxy server changed. */
  public static final int BG_S_PROXY_CHANGED = 0x0020002A;
  /** A requested range lies beyond the end of the file. */
  public static final int BG_E_INVALID_RANGE = 0x8020002B;
  /** Requested ranges overlap. */
  public static final int BG_E_OVERLAPPING_RANGES = 0x8020002C;
  /** A connection could not be established. */
  public static final int BG_E_CONNECT_FAILURE = 0x8020002D;
  /** The connection was closed prematurely. */
  public static final int BG_E_CONNECTION_CLOSED = 0x8020002E;
  /**
   * The operation timed out (mingw-w64 name; reserved in the Microsoft SDK and not known to be
   * emitted by Windows: a BITS transfer that times out reports {@link #E_WINHTTP_TIMEOUT}).
   */
  public static final int BG_E_TIMEOUT = 0x8020003B;
  /** Group Policy blocks background transfers now. */
  public static final int BG_E_BLOCKED_BY_POLICY = 0x8020003E;
  /** The proxy information is not valid. */
  public static final int BG_E_INVALID_PROXY_INFO = 0x8020003F;
  /** The credentials are not valid. */
  public static final int BG_E_INVALID_CREDENTIALS = 0x80200040;
  /** The user has too many jobs. */
  public static final int BG_E_TOO_MANY_JOBS_PER_USER = 0x80200049;
  /** The machine has too many jobs. */
  public static final int BG_E_TOO_MANY_JOBS_PER_MACHINE = 0x80200050;
  /** The job has too many files. */
  public static final int BG_E_TOO_MANY_FILES_IN_JOB = 0x80200051;
  /** The file has too many ranges. */
  public static final int BG_E_TOO_MANY_RANGES_IN_FILE = 0x80200052;
  /** The web site's response was not valid. */
  public static final int BG_E_VALIDATION_FAILED = 0x80200053;
  /** The job exceeded its maximum download time. */
  public static final int BG_E_MAXDOWNLOAD_TIMEOUT = 0x80200054;
  /** A setting was overridden by policy. */
  public static final int BG_S_OVERRIDDEN_BY_POLICY = 0x00200055;
  /** A helper token is required. */
  public static final int BG_E_TOKEN_REQUIRED = 0x80200056;
  /** The remote file changed during the transfer; resume the job if that is expected. */
  public static final int BG_E_REMOTE_FILE_CHANGED = 0x80200073;

  // --- Win32 / WinHTTP codes BITS reports for local files and TLS (as HRESULTs) ---
  /** HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND): a folder of a local path does not exist. */
  public static final int E_PATH_NOT_FOUND = 0x80070003;
  /** HRESULT_FROM_WIN32(ERROR_SHARING_VIOLATION): a file is in use by another process. */
  public static final int E_SHARING_VIOLATION = 0x80070020;
  /** HRESULT_FROM_WIN32(ERROR_DISK_FULL): not enough space on the disk. */
  public static final int E_DISK_FULL = 0x80070070;
  /**
   * ERROR_WINHTTP_TIMEOUT: a connection or a response did not arrive in time; what BITS reports for a
   * transfer that timed out (transient, retried).
   */
  public static final int E_WINHTTP_TIMEOUT = 0x80072EE2;
  /** ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED: the server requires a client certificate. */
  public static final int E_WINHTTP_CLIENT_AUTH_CERT_NEEDED = 0x80072F0C;
  /** ERROR_WINHTTP_SECURE_FAILURE: the server's certificate could not be validated. */
  public static final int E_WINHTTP_SECURE_FAILURE = 0x80072F8F;

  /** Facility 0x19 base of {@code BG_E_HTTP_ERROR_nnn}. */
  private static final int HTTP_BASE = 0x80190000;

  private record Entry(String name, String message) {}

  private static final Map<Integer, Entry> TABLE = new HashMap<>();
  private static final Map<Integer, String> HTTP_MESSAGES = new HashMap<>();

  private static void put(int code, String name, String message) {
    TABLE.put(code, new Entry(name, message));
  }

  static {
    put(S_OK, "S_OK", "The operation completed successfully.");
    put(E_INVALIDARG, "E_INVALIDARG", "One or more arguments are not valid.");
    put(E_ACCESSDENIED, "E_ACCESSDENIED", "Access is denied.");
    put(E_NOTIMPL, "E_NOTIMPL", "Not implemented.");
    put(E_FAIL, "E_FAIL", "Unspecified error.");
    put(E_OUTOFMEMORY, "E_OUTOFMEMORY", "Not enough memory or resources are available.");
    put(E_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS", "Cannot create a file when that file already exists.");
    put(E_NOT_FOUND, "ERROR_NOT_FOUND", "Element not found.");
    put(E_FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND", "The system cannot find the file specified.");
    put(E_TIMEOUT, "ERROR_TIMEOUT", "This operation returned because the timeout period expired.");
    put(E_CANCELLED, "ERROR_CANCELLED", "The operation was canceled by the user.");
    put(E_PATH_NOT_FOUND, "ERROR_PATH_NOT_FOUND", "The system cannot find the path specified.");
    put(E_SHARING_VIOLATION, "ERROR_SHARING_VIOLATION",
        "The process cannot access the file because it is being used by another process.");
    put(E_DISK_FULL, "ERROR_DISK_FULL", "There is not enough space on the disk.");
    put(E_WINHTTP_TIMEOUT, "ERROR_WINHTTP_TIMEOUT", "The operation timed out.");
    put(E_WINHTTP_CLIENT_AUTH_CERT_NEEDED, "ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED",
        "The server requires a client certificate, or refused the one presented.");
    put(E_WINHTTP_SECURE_FAILURE, "ERROR_WINHTTP_SECURE_FAILURE",
        "One or more errors were found in the Secure Sockets Layer (SSL) certificate sent by the server.");
    put(E_NOT_LOGGED_ON, "ERROR_NOT_LOGGED_ON",
        "The job owner is not logged on. BITS runs a job only while its owner has an interactive"
            + " logon session; use an interactive logon or a service account.");
    put(BG_E_NOT_FOUND, "BG_E_NOT_FOUND", "The requested job was not found.");
    put(BG_E_INVALID_STATE, "BG_E_INVALID_STATE",
        "The requested action is not allowed in the current job state.");
    put(BG_E_EMPTY, "BG_E_EMPTY", "There are no files attached to this job. Attach files to the job, and then try again.");
    put(BG_E_FILE_NOT_AVAILABLE, "BG_E_FILE_NOT_AVAILABLE", "No file is available because no URL generated an error.");
    put(BG_E_PROTOCOL_NOT_AVAILABLE, "BG_E_PROTOCOL_NOT_AVAILABLE", "No protocol is available because no URL generated an error.");
    put(BG_S_ERROR_CONTEXT_NONE, "BG_S_ERROR_CONTEXT_NONE", "No errors have occurred.");
    put(BG_E_ERROR_CONTEXT_UNKNOWN, "BG_E_ERROR_CONTEXT_UNKNOWN", "The error occurred in an unknown location.");
    put(BG_E_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, "BG_E_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER",
        "The error occurred in the Background Intelligent Transfer Service (BITS) queue manager.");
    put(BG_E_ERROR_CONTEXT_LOCAL_FILE, "BG_E_ERROR_CONTEXT_LOCAL_FILE", "The error occurred while the local file was being processed. Verify that the file is not in use, and then try again.");
    put(BG_E_ERROR_CONTEXT_REMOTE_FILE, "BG_E_ERROR_CONTEXT_REMOTE_FILE", "The error occurred while the remote file was being processed.");
    put(BG_E_ERROR_CONTEXT_GENERAL_TRANSPORT, "BG_E_ERROR_CONTEXT_GENERAL_TRANSPORT", "The error occurred in the transport layer. The client could not connect to the server.");
    put(BG_E_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION, "BG_E_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION",
        "The error occurred while the notification callback was being processed.");
    put(BG_E_DESTINATION_LOCKED, "BG_E_DESTINATION_LOCKED", "The destination volume is locked.");
    put(BG_E_VOLUME_CHANGED, "BG_E_VOLUME_CHANGED", "The destination volume changed.");
    put(BG_E_ERROR_INFORMATION_UNAVAILABLE, "BG_E_ERROR_INFORMATION_UNAVAILABLE", "No errors have occurred.");
    put(BG_E_NETWORK_DISCONNECTED, "BG_E_NETWORK_DISCONNECTED", "There are currently no active network connections.");
    put(BG_E_MISSING_FILE_SIZE, "BG_E_MISSING_FILE_SIZE",
        "The server did not return the file size. The URL might point to dynamic content. The"
            + " Content-Length header is not available in the server's HTTP reply.");
    put(BG_E_INSUFFICIENT_HTTP_SUPPORT, "BG_E_INSUFFICIENT_HTTP_SUPPORT", "The server does not support HTTP 1.1.");
    put(BG_E_INSUFFICIENT_RANGE_SUPPORT, "BG_E_INSUFFICIENT_RANGE_SUPPORT", "The server does not support the necessary HTTP protocol. BITS requires that the server support the Range protocol header.");
    put(BG_E_REMOTE_NOT_SUPPORTED, "BG_E_REMOTE_NOT_SUPPORTED", "BITS cannot be used remotely.");
    put(BG_E_NEW_OWNER_DIFF_MAPPING, "BG_E_NEW_OWNER_DIFF_MAPPING", "The drive mapping for the job is different for the current owner than for the previous owner.");
    put(BG_E_NEW_OWNER_NO_FILE_ACCESS, "BG_E_NEW_OWNER_NO_FILE_ACCESS", "The new owner has insufficient access to the local files for the job.");
    put(BG_S_PARTIAL_COMPLETE, "BG_S_PARTIAL_COMPLETE", "Some of the transferred files were deleted because they were incomplete.");
    put(BG_E_PROXY_LIST_TOO_LARGE, "BG_E_PROXY_LIST_TOO_LARGE", "The HTTP proxy list cannot be longer than 32,000 characters.");
    put(BG_E_PROXY_BYPASS_LIST_TOO_LARGE, "BG_E_PROXY_BYPASS_LIST_TOO_LARGE", "The HTTP proxy bypass list cannot be longer than 32,000 characters.");
    put(BG_S_UNABLE_TO_DELETE_FILES, "BG_S_UNABLE_TO_DELETE_FILES", "Some of the temporary files could not be deleted.");
    put(BG_E_INVALID_SERVER_RESPONSE, "BG_E_INVALID_SERVER_RESPONSE", "The server's response was not valid. The server was not following the defined protocol. Resume the job, and then BITS will try again.");
    put(BG_E_TOO_MANY_FILES, "BG_E_TOO_MANY_FILES", "No more files can be added to this job.");
    put(BG_E_LOCAL_FILE_CHANGED, "BG_E_LOCAL_FILE_CHANGED", "The local file was changed during the transfer. Recreate the job, and then try to transfer it again.");
    put(BG_E_ERROR_CONTEXT_REMOTE_APPLICATION, "BG_E_ERROR_CONTEXT_REMOTE_APPLICATION", "The program on the remote server reported the error.");
    put(BG_E_SESSION_NOT_FOUND, "BG_E_SESSION_NOT_FOUND", "The specified session could not be found on the server. Recreate the job, and then try to transfer it again.");
    put(BG_E_TOO_LARGE, "BG_E_TOO_LARGE", "The upload file is too large for the server to accept.");
    put(BG_E_STRING_TOO_LONG, "BG_E_STRING_TOO_LONG", "The specified string is too long.");
    put(BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH, "BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH", "The client and server versions of BITS are not compatible.");
    put(BG_E_SERVER_EXECUTE_ENABLE, "BG_E_SERVER_EXECUTE_ENABLE", "Scripting OR execute permissions are enabled on the IIS virtual directory associated with the job.");
    put(BG_E_NO_PROGRESS, "BG_E_NO_PROGRESS", "The job is not making headway. The server may be misconfigured.");
    put(BG_E_USERNAME_TOO_LARGE, "BG_E_USERNAME_TOO_LARGE", "The user name cannot be longer than 300 characters.");
    put(BG_E_PASSWORD_TOO_LARGE, "BG_E_PASSWORD_TOO_LARGE", "The password cannot be longer than 65,536 characters.");
    put(BG_E_INVALID_AUTH_TARGET, "BG_E_INVALID_AUTH_TARGET", "The authentication target specified in the credentials is not defined.");
    put(BG_E_INVALID_AUTH_SCHEME, "BG_E_INVALID_AUTH_SCHEME", "The authentication scheme specified in the credentials is not defined.");
    put(BG_E_FILE_NOT_FOUND, "BG_E_FILE_NOT_FOUND", "The specified file name does not match any of the files in the job.");
    put(BG_S_PROXY_CHANGED, "BG_S_PROXY_CHANGED", "The proxy server was changed.");
    put(BG_E_INVALID_RANGE, "BG_E_INVALID_RANGE", "The requested byte range extends beyond the end of the web page.");
    put(BG_E_OVERLAPPING_RANGES, "BG_E_OVERLAPPING_RANGES", "The list of byte ranges contains some overlapping ranges, which are not supported.");
    put(BG_E_CONNECT_FAILURE, "BG_E_CONNECT_FAILURE", "A connection could not be established.");
    put(BG_E_CONNECTION_CLOSED, "BG_E_CONNECTION_CLOSED", "The connection was closed prematurely.");
    put(BG_E_TIMEOUT, "BG_E_TIMEOUT", "The operation timed out.");
    put(BG_E_BLOCKED_BY_POLICY, "BG_E_BLOCKED_BY_POLICY", "Group Policy settings prevent background jobs from running at this time.");
    put(BG_E_INVALID_PROXY_INFO, "BG_E_INVALID_PROXY_INFO", "The supplied proxy server or bypass list is invalid.");
    put(BG_E_INVALID_CREDENTIALS, "BG_E_INVALID_CREDENTIALS", "The format of the supplied security credentials is invalid.");
    put(BG_E_TOO_MANY_JOBS_PER_USER, "BG_E_TOO_MANY_JOBS_PER_USER", "The job count for the user has exceeded the per user job limit.");
    put(BG_E_TOO_MANY_JOBS_PER_MACHINE, "BG_E_TOO_MANY_JOBS_PER_MACHINE", "The job count for the computer has exceeded the per computer job limit.");
    put(BG_E_TOO_MANY_FILES_IN_JOB, "BG_E_TOO_MANY_FILES_IN_JOB", "The file count for the job has exceeded the per job file limit.");
    put(BG_E_TOO_MANY_RANGES_IN_FILE, "BG_E_TOO_MANY_RANGES_IN_FILE", "The range count for the file has exceeded the per file range limit.");
    put(BG_E_VALIDATION_FAILED, "BG_E_VALIDATION_FAILED", "The response from the web site was not valid.");
    put(BG_E_MAXDOWNLOAD_TIMEOUT, "BG_E_MAXDOWNLOAD_TIMEOUT", "The job exceeded its maximum download time.");
    put(BG_S_OVERRIDDEN_BY_POLICY, "BG_S_OVERRIDDEN_BY_POLICY", "A setting was overridden by Group Policy.");
    put(BG_E_TOKEN_REQUIRED, "BG_E_TOKEN_REQUIRED", "The job requires a helper token.");
    put(BG_E_REMOTE_FILE_CHANGED, "BG_E_REMOTE_FILE_CHANGED", "The remote file was changed during the transfer. If this is expected, call Resume.");

    String invalid = "The server's response was not valid. The server was not following the defined protocol. Resume the job, and then BITS will try again.";
    for (int s : new int[] {200, 205, 304, 402, 415, 449}) {
      HTTP_MESSAGES.put(s, invalid);
    }
    HTTP_MESSAGES.put(100, "The request can be continued.");
    HTTP_MESSAGES.put(101, "The server switched protocols in an upgrade header.");
    HTTP_MESSAGES.put(201, "The request was fulfilled and resulted in the creation of a new resource.");
    HTTP_MESSAGES.put(202, "The request was accepted for processing, but the processing has not been completed yet.");
    HTTP_MESSAGES.put(203, "The returned metadata in the entity-header is not the definitive set available from the server of origin.");
    HTTP_MESSAGES.put(204, "The server has fulfilled the request, but there is no new information to send back.");
    HTTP_MESSAGES.put(206, "The server fulfilled the partial GET request for the resource.");
    HTTP_MESSAGES.put(300, "The server could not return the requested data.");
    HTTP_MESSAGES.put(301, "The requested resource was assigned to a new permanent Uniform Resource Identifier (URI), and any future references to this resource should use one of the returned URIs.");
    HTTP_MESSAGES.put(302, "The requested resource was assigned a different Uniform Resource Identifier (URI). This change is temporary.");
    HTTP_MESSAGES.put(303, "The response to the request is under a different Uniform Resource Identifier (URI) and must be retrieved using a GET method on that resource.");
    HTTP_MESSAGES.put(305, "The requested resource must be accessed through the proxy given by the location field.");
    HTTP_MESSAGES.put(307, "The URL has been temporarily relocated. Try again later.");
    HTTP_MESSAGES.put(400, "The server cannot process the request because the syntax is not valid.");
    HTTP_MESSAGES.put(401, "The requested resource requires user authentication.");
    HTTP_MESSAGES.put(403, "The client does not have sufficient access rights to the requested server object.");
    HTTP_MESSAGES.put(404, "The requested URL does not exist on the server.");
    HTTP_MESSAGES.put(405, "The method used is not allowed.");
    HTTP_MESSAGES.put(406, "No responses acceptable to the client were found.");
    HTTP_MESSAGES.put(407, "Proxy authentication is required.");
    HTTP_MESSAGES.put(408, "The server timed out waiting for the request.");
    HTTP_MESSAGES.put(409, "The request could not be completed because of a conflict with the current state of the resource. The user should resubmit the request with more information.");
    HTTP_MESSAGES.put(410, "The requested resource is not currently available at the server, and no forwarding address is known.");
    HTTP_MESSAGES.put(411, "The server cannot accept the request without a defined content length.");
    HTTP_MESSAGES.put(412, "The precondition given in one or more of the request header fields was evaluated as false when it was tested on the server.");
    HTTP_MESSAGES.put(413, "The server cannot process the request because the request entity is too large.");
    HTTP_MESSAGES.put(414, "The server cannot process the request because the request Uniform Resource Identifier (URI) is longer than the server can interpret.");
    HTTP_MESSAGES.put(416, "The server could not satisfy the range request.");
    HTTP_MESSAGES.put(417, "The server could not meet the expectation given in an Expect request-header field.");
    HTTP_MESSAGES.put(500, "An unexpected condition prevented the server from fulfilling the request.");
    HTTP_MESSAGES.put(501, "The server does not support the functionality required to fulfill the request.");
    HTTP_MESSAGES.put(502, "The server, while acting as a gateway or proxy to fulfill the request, received an invalid response from the upstream server it accessed.");
    HTTP_MESSAGES.put(503, "The service is temporarily overloaded.");
    HTTP_MESSAGES.put(504, "The request was timed out waiting for a gateway.");
    HTTP_MESSAGES.put(505, "The server does not support the HTTP protocol version that was used in the request message.");
  }

  /**
   * The {@code BG_E_HTTP_ERROR_nnn} HRESULT of an HTTP status: {@code 0x80190000 | status}.
   *
   * @throws IllegalArgumentException if {@code status} is outside 100–599
   */
  public static int httpError(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("HTTP status must be 100-599: " + status);
    }
    return HTTP_BASE | status;
  }

  /** The HTTP status inside a {@code BG_E_HTTP_ERROR_nnn} HRESULT, or empty for any other code. */
  public static java.util.OptionalInt httpStatus(int hresult) {
    int status = hresult & 0xFFFF;
    if ((hresult & 0xFFFF0000) == HTTP_BASE && status >= 100 && status <= 599) {
      return java.util.OptionalInt.of(status);
    }
    return java.util.OptionalInt.empty();
  }

  /** True for success codes (the severity bit is clear), such as {@link #BG_S_PARTIAL_COMPLETE}. */
  public static boolean isSuccess(int hresult) {
    return hresult >= 0;
  }

  /** The symbolic name of a code ({@code BG_E_NOT_FOUND}, {@code BG_E_HTTP_ERROR_404}), if known. */
  public static Optional<String> name(int hresult) {
    Entry e = TABLE.get(hresult);
    if (e != null) {
      return Optional.of(e.name());
    }
    var status = httpStatus(hresult);
    if (status.isPresent()) {
      return Optional.of("BG_E_HTTP_ERROR_" + status.getAsInt());
    }
    return Optional.empty();
  }

  /** The message of a code, if known; for HTTP errors the text BITS uses for that status. */
  public static Optional<String> message(int hresult) {
    Entry e = TABLE.get(hresult);
    if (e != null) {
      return Optional.of(e.message());
    }
    var status = httpStatus(hresult);
    if (status.isPresent()) {
      return Optional.of(
          HTTP_MESSAGES.getOrDefault(status.getAsInt(), "HTTP status " + status.getAsInt() + "."));
    }
    return Optional.empty();
  }

  /** The code as eight upper-case hex digits with a {@code 0x} prefix, e.g. {@code 0x80200001}. */
  public static String hex(int hresult) {
    return String.format(Locale.ROOT, "0x%08X", hresult);
  }

  /**
   * A one-line description: hex code, name and message, e.g. {@code 0x80190194
   * BG_E_HTTP_ERROR_404: The requested URL does not exist on the server.}; unknown codes give just
   * the hex code and {@code (unknown HRESULT)}.
   */
  public static String describe(int hresult) {
    Optional<String> name = name(hresult);
    if (name.isEmpty()) {
      return hex(hresult) + " (unknown HRESULT)";
    }
    return hex(hresult) + " " + name.get() + ": " + message(hresult).orElse("");
  }
}
