package io.bits4j.client.windows.internal.com;

/**
 * Enum values, flags, sizes and HRESULTs of the BITS headers (bits.h … bits10_3.h, BitsMsg.h),
 * as plain {@code int}/{@code long} constants with the SDK names.
 */
public final class Bits {
  private Bits() {}

  /** BG_JOB_STATE. */
  public static final class BG_JOB_STATE {
    private BG_JOB_STATE() {}
    /** BG_JOB_STATE_QUEUED. */ public static final int QUEUED = 0;
    /** BG_JOB_STATE_CONNECTING. */ public static final int CONNECTING = 1;
    /** BG_JOB_STATE_TRANSFERRING. */ public static final int TRANSFERRING = 2;
    /** BG_JOB_STATE_SUSPENDED. */ public static final int SUSPENDED = 3;
    /** BG_JOB_STATE_ERROR. */ public static final int ERROR = 4;
    /** BG_JOB_STATE_TRANSIENT_ERROR. */ public static final int TRANSIENT_ERROR = 5;
    /** BG_JOB_STATE_TRANSFERRED. */ public static final int TRANSFERRED = 6;
    /** BG_JOB_STATE_ACKNOWLEDGED. */ public static final int ACKNOWLEDGED = 7;
    /** BG_JOB_STATE_CANCELLED. */ public static final int CANCELLED = 8;
  }

  /** BG_JOB_TYPE. */
  public static final class BG_JOB_TYPE {
    private BG_JOB_TYPE() {}
    /** BG_JOB_TYPE_DOWNLOAD. */ public static final int DOWNLOAD = 0;
    /** BG_JOB_TYPE_UPLOAD. */ public static final int UPLOAD = 1;
    /** BG_JOB_TYPE_UPLOAD_REPLY. */ public static final int UPLOAD_REPLY = 2;
  }

  /** BG_JOB_PRIORITY. */
  public static final class BG_JOB_PRIORITY {
    private BG_JOB_PRIORITY() {}
    /** BG_JOB_PRIORITY_FOREGROUND. */ public static final int FOREGROUND = 0;
    /** BG_JOB_PRIORITY_HIGH. */ public static final int HIGH = 1;
    /** BG_JOB_PRIORITY_NORMAL. */ public static final int NORMAL = 2;
    /** BG_JOB_PRIORITY_LOW. */ public static final int LOW = 3;
  }

  /** BG_JOB_PROXY_USAGE. */
  public static final class BG_JOB_PROXY_USAGE {
    private BG_JOB_PROXY_USAGE() {}
    /** BG_JOB_PROXY_USAGE_PRECONFIG. */ public static final int PRECONFIG = 0;
    /** BG_JOB_PROXY_USAGE_NO_PROXY. */ public static final int NO_PROXY = 1;
    /** BG_JOB_PROXY_USAGE_OVERRIDE. */ public static final int OVERRIDE = 2;
    /** BG_JOB_PROXY_USAGE_AUTODETECT. */ public static final int AUTODETECT = 3;
  }

  /** BG_ERROR_CONTEXT. */
  public static final class BG_ERROR_CONTEXT {
    private BG_ERROR_CONTEXT() {}
    /** BG_ERROR_CONTEXT_NONE. */ public static final int NONE = 0;
    /** BG_ERROR_CONTEXT_UNKNOWN. */ public static final int UNKNOWN = 1;
    /** BG_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER. */ public static final int GENERAL_QUEUE_MANAGER = 2;
    /** BG_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION. */ public static final int QUEUE_MANAGER_NOTIFICATION = 3;
    /** BG_ERROR_CONTEXT_LOCAL_FILE. */ public static final int LOCAL_FILE = 4;
    /** BG_ERROR_CONTEXT_REMOTE_FILE. */ public static final int REMOTE_FILE = 5;
    /** BG_ERROR_CONTEXT_GENERAL_TRANSPORT. */ public static final int GENERAL_TRANSPORT = 6;
    /** BG_ERROR_CONTEXT_REMOTE_APPLICATION. */ public static final int REMOTE_APPLICATION = 7;
    /** BG_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK (SDK only). */ public static final int SERVER_CERTIFICATE_CALLBACK = 8;
  }

  /** BG_AUTH_TARGET. */
  public static final class BG_AUTH_TARGET {
    private BG_AUTH_TARGET() {}
    /** BG_AUTH_TARGET_SERVER. */ public static final int SERVER = 1;
    /** BG_AUTH_TARGET_PROXY. */ public static final int PROXY = 2;
  }

  /** BG_AUTH_SCHEME. */
  public static final class BG_AUTH_SCHEME {
    private BG_AUTH_SCHEME() {}
    /** BG_AUTH_SCHEME_BASIC. */ public static final int BASIC = 1;
    /** BG_AUTH_SCHEME_DIGEST. */ public static final int DIGEST = 2;
    /** BG_AUTH_SCHEME_NTLM. */ public static final int NTLM = 3;
    /** BG_AUTH_SCHEME_NEGOTIATE. */ public static final int NEGOTIATE = 4;
    /** BG_AUTH_SCHEME_PASSPORT. */ public static final int PASSPORT = 5;
  }

  /** BG_CERT_STORE_LOCATION. */
  public static final class BG_CERT_STORE_LOCATION {
    private BG_CERT_STORE_LOCATION() {}
    /** BG_CERT_STORE_LOCATION_CURRENT_USER. */ public static final int CURRENT_USER = 0;
    /** BG_CERT_STORE_LOCATION_LOCAL_MACHINE. */ public static final int LOCAL_MACHINE = 1;
    /** BG_CERT_STORE_LOCATION_CURRENT_SERVICE. */ public static final int CURRENT_SERVICE = 2;
    /** BG_CERT_STORE_LOCATION_SERVICES. */ public static final int SERVICES = 3;
    /** BG_CERT_STORE_LOCATION_USERS. */ public static final int USERS = 4;
    /** BG_CERT_STORE_LOCATION_CURRENT_USER_GROUP_POLICY. */ public static final int CURRENT_USER_GROUP_POLICY = 5;
    /** BG_CERT_STORE_LOCATION_LOCAL_MACHINE_GROUP_POLICY. */ public static final int LOCAL_MACHINE_GROUP_POLICY = 6;
    /** BG_CERT_STORE_LOCATION_LOCAL_MACHINE_ENTERPRISE. */ public static final int LOCAL_MACHINE_ENTERPRISE = 7;
  }

  /** BITS_JOB_PROPERTY_ID (6 and 8 exist in the union switch but have no public name). */
  public static final class BITS_JOB_PROPERTY_ID {
    private BITS_JOB_PROPERTY_ID() {}
    /** BITS_JOB_PROPERTY_ID_COST_FLAGS (Dword). */ public static final int COST_FLAGS = 1;
    /** BITS_JOB_PROPERTY_NOTIFICATION_CLSID (ClsID). */ public static final int NOTIFICATION_CLSID = 2;
    /** BITS_JOB_PROPERTY_DYNAMIC_CONTENT (Enable). */ public static final int DYNAMIC_CONTENT = 3;
    /** BITS_JOB_PROPERTY_HIGH_PERFORMANCE (Enable). */ public static final int HIGH_PERFORMANCE = 4;
    /** BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE (Uint64). */ public static final int MAX_DOWNLOAD_SIZE = 5;
    /** BITS_JOB_PROPERTY_USE_STORED_CREDENTIALS (Target). */ public static final int USE_STORED_CREDENTIALS = 7;
    /** BITS_JOB_PROPERTY_MINIMUM_NOTIFICATION_INTERVAL_MS (Dword). */ public static final int MINIMUM_NOTIFICATION_INTERVAL_MS = 9;
    /** BITS_JOB_PROPERTY_ON_DEMAND_MODE (Enable). */ public static final int ON_DEMAND_MODE = 10;
  }

  /** BITS_FILE_PROPERTY_ID. */
  public static final class BITS_FILE_PROPERTY_ID {
    private BITS_FILE_PROPERTY_ID() {}
    /** BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS. */ public static final int HTTP_RESPONSE_HEADERS = 1;
  }

  /** BITS_JOB_TRANSFER_POLICY. */
  public static final class BITS_JOB_TRANSFER_POLICY {
    private BITS_JOB_TRANSFER_POLICY() {}
    /** BITS_JOB_TRANSFER_POLICY_ALWAYS. */ public static final int ALWAYS = 0x800000FF;
    /** BITS_JOB_TRANSFER_POLICY_NOT_ROAMING. */ public static final int NOT_ROAMING = 0x8000007F;
    /** BITS_JOB_TRANSFER_POLICY_NO_SURCHARGE. */ public static final int NO_SURCHARGE = 0x8000006F;
    /** BITS_JOB_TRANSFER_POLICY_STANDARD. */ public static final int STANDARD = 0x80000067;
    /** BITS_JOB_TRANSFER_POLICY_UNRESTRICTED. */ public static final int UNRESTRICTED = 0x80000021;
  }

  // --- #define groups ---
  /** EnumJobs flag: every user's jobs (administrators only). */
  public static final int BG_JOB_ENUM_ALL_USERS = 0x0001;

  /** SetNotifyFlags: the job is transferred. */
  public static final int BG_NOTIFY_JOB_TRANSFERRED = 0x01;
  /** SetNotifyFlags: the job is in error. */
  public static final int BG_NOTIFY_JOB_ERROR = 0x02;
  /** SetNotifyFlags: no notifications. */
  public static final int BG_NOTIFY_DISABLE = 0x04;
  /** SetNotifyFlags: the job changed. */
  public static final int BG_NOTIFY_JOB_MODIFICATION = 0x08;
  /** SetNotifyFlags: a file is transferred (IBackgroundCopyCallback2). */
  public static final int BG_NOTIFY_FILE_TRANSFERRED = 0x10;
  /** SetNotifyFlags: file ranges transferred (IBackgroundCopyCallback3, SDK only). */
  public static final int BG_NOTIFY_FILE_RANGES_TRANSFERRED = 0x20;

  /** HttpOptions security flag. */ public static final int BG_SSL_ENABLE_CRL_CHECK = 0x0001;
  /** HttpOptions security flag. */ public static final int BG_SSL_IGNORE_CERT_CN_INVALID = 0x0002;
  /** HttpOptions security flag. */ public static final int BG_SSL_IGNORE_CERT_DATE_INVALID = 0x0004;
  /** HttpOptions security flag. */ public static final int BG_SSL_IGNORE_UNKNOWN_CA = 0x0008;
  /** HttpOptions security flag. */ public static final int BG_SSL_IGNORE_CERT_WRONG_USAGE = 0x0010;
  /** HttpOptions redirect policy mask. */ public static final int BG_HTTP_REDIRECT_POLICY_MASK = 0x0700;
  /** HttpOptions redirect policy. */ public static final int BG_HTTP_REDIRECT_POLICY_ALLOW_SILENT = 0x0000;
  /** HttpOptions redirect policy. */ public static final int BG_HTTP_REDIRECT_POLICY_ALLOW_REPORT = 0x0100;
  /** HttpOptions redirect policy. */ public static final int BG_HTTP_REDIRECT_POLICY_DISALLOW = 0x0200;
  /** HttpOptions redirect policy. */ public static final int BG_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP = 0x0800;

  /** Job3 file ACL flag. */ public static final int BG_COPY_FILE_OWNER = 1;
  /** Job3 file ACL flag. */ public static final int BG_COPY_FILE_GROUP = 2;
  /** Job3 file ACL flag. */ public static final int BG_COPY_FILE_DACL = 4;
  /** Job3 file ACL flag. */ public static final int BG_COPY_FILE_SACL = 8;
  /** Job3 file ACL flag. */ public static final int BG_COPY_FILE_ALL = 15;

  /** Job4 peer caching flag. */ public static final int BG_JOB_ENABLE_PEERCACHING_CLIENT = 0x1;
  /** Job4 peer caching flag. */ public static final int BG_JOB_ENABLE_PEERCACHING_SERVER = 0x2;
  /** Job4 peer caching flag. */ public static final int BG_JOB_DISABLE_BRANCH_CACHE = 0x4;

  /** BG_SIZE_UNKNOWN: (UINT64)-1. */
  public static final long BG_SIZE_UNKNOWN = -1L;
  /** BG_LENGTH_TO_EOF: (UINT64)-1. */
  public static final long BG_LENGTH_TO_EOF = -1L;

  // --- HRESULTs a binding meets (BitsMsg.h, winerror.h) ---
  /** S_OK. */ public static final int S_OK = 0;
  /** S_FALSE: success, but less than asked (enumerators, GetCustomHeaders with none). */
  public static final int S_FALSE = 1;
  /** E_NOTIMPL. */ public static final int E_NOTIMPL = 0x80004001;
  /** E_NOINTERFACE. */ public static final int E_NOINTERFACE = 0x80004002;
  /** E_POINTER. */ public static final int E_POINTER = 0x80004003;
  /** E_UNEXPECTED. */ public static final int E_UNEXPECTED = 0x8000FFFF;
  /** REGDB_E_CLASSNOTREG: the CLSID is not registered. */ public static final int REGDB_E_CLASSNOTREG = 0x80040154;
  /** RPC_E_CHANGED_MODE: the thread's apartment model differs. */ public static final int RPC_E_CHANGED_MODE = 0x80010106;
  /** RPC_E_TOO_LATE: CoInitializeSecurity after marshalling. */ public static final int RPC_E_TOO_LATE = 0x80010119;
  /** RPC_X_NULL_REF_POINTER: a stub did not fill an [out, ref] pointer (seen under Wine). */
  public static final int RPC_X_NULL_REF_POINTER = 0x800706F4;
  /** BG_E_NOT_FOUND. */ public static final int BG_E_NOT_FOUND = 0x80200001;
  /** BG_E_INVALID_STATE. */ public static final int BG_E_INVALID_STATE = 0x80200002;
  /** BG_E_EMPTY. */ public static final int BG_E_EMPTY = 0x80200003;
  /** BG_E_ERROR_INFORMATION_UNAVAILABLE: GetError without an error. */
  public static final int BG_E_ERROR_INFORMATION_UNAVAILABLE = 0x8020000F;
  /** BG_S_PARTIAL_COMPLETE. */ public static final int BG_S_PARTIAL_COMPLETE = 0x00200017;
  /** BG_S_UNABLE_TO_DELETE_FILES. */ public static final int BG_S_UNABLE_TO_DELETE_FILES = 0x0020001A;

  // --- CoSetProxyBlanket values jna-platform lacks (rpcdce.h, objidl.h) ---
  /** RPC_C_AUTHN_DEFAULT. */ public static final int RPC_C_AUTHN_DEFAULT = 0xFFFFFFFF;
  /** RPC_C_AUTHZ_DEFAULT. */ public static final int RPC_C_AUTHZ_DEFAULT = 0xFFFFFFFF;
  /** RPC_C_AUTHN_LEVEL_DEFAULT. */ public static final int RPC_C_AUTHN_LEVEL_DEFAULT = 0;
  /** RPC_C_IMP_LEVEL_IMPERSONATE. */ public static final int RPC_C_IMP_LEVEL_IMPERSONATE = 3;
  /** EOAC_DEFAULT. */ public static final int EOAC_DEFAULT = 0x800;
  /** COLE_DEFAULT_PRINCIPAL, the pointer value (OLECHAR*)-1. */ public static final long COLE_DEFAULT_PRINCIPAL = -1L;
  /** CLSCTX_LOCAL_SERVER: BITS is an out-of-process service. */ public static final int CLSCTX_LOCAL_SERVER = 4;
  /** COINIT_MULTITHREADED. */ public static final int COINIT_MULTITHREADED = 0;
  /** MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT): the user's default language. */
  public static final int LANG_USER_DEFAULT = 0x0400;
}
