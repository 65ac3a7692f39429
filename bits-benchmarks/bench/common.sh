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

# test_cert: a throw-away EC P-256 certificate for 127.0.0.1 in $tmp/cert.pem and $tmp/key.pem
# (readable by nginx's workers).
test_cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1,DNS:localhost 2>/dev/null
  chmod 644 "$tmp/key.pem"
}

# nginx_servers HTTP_PORT HTTPS_PORT: the plain and the TLS 1.3 server blocks serving $tmp/nginx/www.
nginx_servers() {
  cat <<CONF
  server {
    listen 127.0.0.1:$1;
    root $tmp/nginx/www;
  }
  server {
    listen 127.0.0.1:$2 ssl;
    ssl_certificate $tmp/cert.pem;
    ssl_certificate_key $tmp/key.pem;
    ssl_protocols TLSv1.3;
    root $tmp/nginx/www;
  }
CONF
}

# start_bits_serve HTTP_PORT HTTPS_PORT [JVM options...]: bits serve with $file as G/f on both
# ports (TLS with test_cert's pair), its output in $tmp/bits.log; sets bits_pid and returns once
# it prints "ready:" (exits if it dies or is not ready within 30 s).
start_bits_serve() {
  local http=$1 https=$2
  shift 2
  java "$@" -jar "$BITS_JAR" serve \
    --group "http://127.0.0.1:$http/G" --file "f=$file" \
    --group "https://127.0.0.1:$https/G" --file "f=$file" \
    --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem" > "$tmp/bits.log" 2>&1 &
  bits_pid=$!
  for _ in $(seq 1 150); do
    grep -q '^ready:' "$tmp/bits.log" && return 0
    kill -0 "$bits_pid" 2>/dev/null || { cat "$tmp/bits.log" >&2; echo "bits serve died" >&2; exit 1; }
    sleep 0.2
  done
  cat "$tmp/bits.log" >&2; echo "bits serve not ready" >&2; exit 1
}

# bench_setup_pair: for the scripts that run nginx and bits serve side by side: the temp dir, the
# data file, the test certificate, and four free ports (ng_http ng_https b_http b_https).
bench_setup_pair() {
  bench_tmp
  data_file
  test_cert
  free_port ng_http; free_port ng_https; free_port b_http; free_port b_https
}

# bench_tmp: a temp dir /tmp/$BENCH.XXXXXX in $tmp (readable by nginx's workers, which may run as
# nobody) and an EXIT trap that stops bits serve ($bits_pid) and nginx and removes the dir
# (KEEP_TMP=1 keeps it).
bits_pid=""
bench_tmp() {
  tmp=$(mktemp -d "/tmp/$BENCH.XXXXXX")
  chmod 755 "$tmp"
  trap bench_cleanup EXIT
}
bench_cleanup() {
  [[ -n $bits_pid ]] && kill "$bits_pid" 2>/dev/null || true
  [[ -f $tmp/nginx.pid ]] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  if declare -F bench_cleanup_hook > /dev/null; then bench_cleanup_hook; fi
  if [[ ${KEEP_TMP:-0} == 1 ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}

# start_nginx WORKER_CONNECTIONS HTTP_LINES SERVER_BLOCKS: serves $file as /G/f from
# $tmp/nginx/www, with sendfile on, the given extra http-block lines and server blocks.
start_nginx() {
  mkdir -p "$tmp/nginx/www/G" "$tmp/nginx/tmp"
  ln -s "$file" "$tmp/nginx/www/G/f"
  cat > "$tmp/nginx.conf" <<CONF
worker_processes auto;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections $1; }
http {
  sendfile on;
$2
$(nginx_http_common)
$3
}
CONF
  "$NGINX" -p "$tmp/nginx" -c "$tmp/nginx.conf" -e "$tmp/nginx-error.log"
}
