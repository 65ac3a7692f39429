# common.sh — helpers shared by the bench scripts (sourced, not run).
# Callers set: BENCH (script name for messages), BITS_JAR, SIZE_MIB, tmp (temp dir); FILE optional.

missing=()
# need PROGRAM PACKAGE: remember PROGRAM as missing unless it is on PATH.
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$1 (Debian package: $2)"); }

# check_needs "apt-get install line": exit 2 naming every missing program and its package.
check_needs() {
  if ((${#missing[@]})); then
    echo "$BENCH: missing programs:" >&2
    printf '  %s\n' "${missing[@]}" >&2
    echo "install with: $1" >&2
    exit 2
  fi
  if [[ ! -f $BITS_JAR ]]; then
    echo "$BENCH: $BITS_JAR not found; build it with: mvn -B -q -DskipTests package" >&2
    exit 2
  fi
}

# free_port VAR: a random loopback port not in use now (checked against ss) and not handed out
# before in this run, stored in VAR. Not a subshell, so the ports handed out are remembered;
# a race with another program is still possible, and the servers then fail loudly.
taken=""
free_port() {
  [[ -n $taken ]] || taken=" $(ss -Htan | awk '{print $4}' | sed 's/.*://' | sort -u | tr '\n' ' ') "
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    if [[ $taken != *" $p "* ]]; then
      taken+="$p "
      printf -v "$1" '%s' "$p"
      return
    fi
  done
}

# data_file: sets file (FILE, or SIZE_MIB of random bytes in $tmp) and size, readable by
# nginx's workers, and reads it once so both sides start from the page cache.
data_file() {
  if [[ -n ${FILE:-} ]]; then
    file=$(readlink -f "$FILE")
  else
    file=$tmp/data.bin
    echo "creating ${SIZE_MIB} MiB of random data in $file ..."
    head -c "$((SIZE_MIB * 1048576))" /dev/urandom > "$file"
  fi
  chmod 644 "$file"
  size=$(stat -c %s "$file")
  cat "$file" > /dev/null
}

# nginx_http_common: the http-block lines both scripts' nginx configurations share: temp paths
# inside $tmp (nginx runs as this user, not from /var/lib/nginx) and every file served as bytes.
nginx_http_common() {
  cat <<CONF
  client_body_temp_path $tmp/nginx/tmp/body;
  proxy_temp_path $tmp/nginx/tmp/proxy;
  fastcgi_temp_path $tmp/nginx/tmp/fastcgi;
  uwsgi_temp_path $tmp/nginx/tmp/uwsgi;
  scgi_temp_path $tmp/nginx/tmp/scgi;
  types { }
  default_type application/octet-stream;
CONF
}
