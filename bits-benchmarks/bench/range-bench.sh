#!/usr/bin/env bash
# range-bench.sh — bits serve (NettyCompactServer) against Debian's nginx on loopback, same file.
#
#   W1  one connection, whole file over HTTP          (curl -o /dev/null; MB/s)
#   W2  wrk, 64 connections, random 1 MiB ranges      (requests/s and MB/s of bodies)
#   W3  wrk, 64 connections, random 64 KiB ranges
#   W4  = W1 over HTTPS (TLS 1.3)
#   W5  = W2 over HTTPS (TLS 1.3)
#   plus heap (jstat) and RSS (ps) of the bits server under W2 (sampled in an extra, untimed W2
#   slot), and heap with 1,000 idle keep-alive connections open (target < 256 MiB).
#
# Every workload runs A B A B (nginx, bits, nginx, bits) in this one run; the table shows both
# sides and the ratio bits/nginx (targets: >= 1.0 for W1-W3, >= 0.9 for W4-W5).
#
# Installs nothing. Needs: nginx, wrk, curl, openssl, java + jcmd/jstat, ss (Debian packages
# nginx, wrk, curl, openssl, openjdk-17-jdk-headless, iproute2) and bits.jar
# (mvn -B -q -DskipTests package).
#
# Environment (all optional):
#   BITS_JAR     path to bits.jar (default: ../../bits-examples/target/bits.jar from this script)
#   FILE         the file to serve (default: 1 GiB of random bytes created in the temp dir)
#   SIZE_MIB     size of the generated file (default 1024)
#   DURATION     seconds per wrk slot (default 6)
#   W1_REPEAT    W1/W4 run ROUNDS x W1_REPEAT rounds of one whole-file download per side (default
#                4: 20 A B pairs). A single download varies by +-20 % from one to the next on a
#                shared VM; alternating single downloads gives the ratio's interval the most samples
#   WARMUP       untimed seconds of wrk on each side and scheme before measuring (default 10;
#                lets the JVM compile its HTTP and TLS paths, as a long-running server has: under
#                wrk, bits serve's JIT spent 4.1 s of CPU in its first 3 s and 5.6 s by 6 s, then
#                almost nothing — with 3 s the first timed slots still shared the cores with C2);
#                each side and scheme also downloads the whole file twice, untimed
#   ROUNDS       A B pairs per workload (default 5; each round's ratio is one sample of the
#                confidence interval printed per workload, so fewer rounds widen it)
#   WORKLOADS    which to run (default "W1 W2 W3 W4 W5"), e.g. WORKLOADS=W2 ROUNDS=5
#   NGINX_TCP_NOPUSH  on|off (default off, nginx's own default; Debian's stock nginx.conf says on,
#                which on loopback makes nginx ~5x slower on W3: responses wait for delayed ACKs)
#   ACCESS_LOG   1 = both servers write an access log to a file (default 0: both off)
#   JAVA_OPTS    extra JVM options for bits serve (e.g. -Xmx256m)
#   KEEP_TMP     1 = keep the temp dir (logs, configs)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
BITS_JAR=${BITS_JAR:-$here/../../bits-examples/target/bits.jar}
SIZE_MIB=${SIZE_MIB:-1024}
DURATION=${DURATION:-6}
W1_REPEAT=${W1_REPEAT:-4}
WARMUP=${WARMUP:-10}
WORKLOADS=${WORKLOADS:-W1 W2 W3 W4 W5}
ROUNDS=${ROUNDS:-5}
ACCESS_LOG=${ACCESS_LOG:-0}
NGINX_TCP_NOPUSH=${NGINX_TCP_NOPUSH:-off}
JAVA_OPTS=${JAVA_OPTS:-}

# ---- prerequisites ----------------------------------------------------------------------------
BENCH=range-bench
# shellcheck source=common.sh
. "$here/common.sh"
need nginx nginx
need wrk wrk
need curl curl
need openssl openssl
need java openjdk-17-jdk-headless
need jcmd openjdk-17-jdk-headless
need jstat openjdk-17-jdk-headless
need ss iproute2
check_needs "apt-get install -y nginx wrk curl openssl openjdk-17-jdk-headless iproute2"
NGINX=$(command -v nginx)

# ---- the file, the certificate, the ports ----------------------------------------------------
bench_setup_pair
name=$(basename "$file")

# ---- nginx ------------------------------------------------------------------------------------
if [[ $ACCESS_LOG == 1 ]]; then ng_log="access_log $tmp/nginx-access.log combined buffer=64k;"; else ng_log="access_log off;"; fi
start_nginx 4096 "  tcp_nopush $NGINX_TCP_NOPUSH;
  keepalive_timeout 60s;
  keepalive_requests 1000000;
  $ng_log" "$(nginx_servers "$ng_http" "$ng_https")"

# ---- bits serve -------------------------------------------------------------------------------
log_opt=()
if [[ $ACCESS_LOG != 1 ]]; then log_opt=(-Dorg.slf4j.simpleLogger.log.io.bits4j.server.access=warn); fi
# shellcheck disable=SC2086
start_bits_serve "$b_http" "$b_https" $JAVA_OPTS "${log_opt[@]}"

declare -A URL tlsinfo
URL[nginx,http]="http://127.0.0.1:$ng_http/G/f"
URL[nginx,https]="https://127.0.0.1:$ng_https/G/f"
URL[bits,http]="http://127.0.0.1:$b_http/G/f"
URL[bits,https]="https://127.0.0.1:$b_https/G/f"

# sanity: both serve the same bytes for a range, both negotiate TLS 1.3
for s in nginx bits; do
  for sc in http https; do
    got=$(curl -sS --cacert "$tmp/cert.pem" -H 'Range: bytes=1000-1999' -o - -w '' "${URL[$s,$sc]}" | sha256sum | cut -c1-16)
    want=$(dd if="$file" bs=1000 skip=1 count=1 status=none | sha256sum | cut -c1-16)
    [[ $got == "$want" ]] || { echo "$s $sc serves wrong bytes for a range" >&2; exit 1; }
  done
  port=${URL[$s,https]#https://127.0.0.1:}; port=${port%%/*}
  tlsinfo[$s]=$(echo | openssl s_client -connect "127.0.0.1:$port" 2>/dev/null | grep -m1 -E '^New,' || true)
done

# ---- workloads --------------------------------------------------------------------------------
cat > "$tmp/range.lua" <<'LUA'
-- random "Range: bytes=" of a fixed length within the file, per request
local size, len
function init(args)
  size = tonumber(args[1]); len = tonumber(args[2])
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end
function request()
  local first = math.random(0, size - len)
  return wrk.format("GET", nil, { ["Range"] = "bytes=" .. first .. "-" .. (first + len - 1) })
end
LUA

# W1/W4 slot: the whole file once over one connection; prints MB/s (1 MB = 10^6 B)
whole() {
  local url=$1 t0 t1 out
  t0=$(date +%s.%N)
  out=$(curl -sS --cacert "$tmp/cert.pem" -o /dev/null -w '%{http_code} %{size_download}' "$url")
  t1=$(date +%s.%N)
  [[ ${out% *} == 200 && ${out#* } == "$size" ]] || { echo "whole-file GET answered $out" >&2; exit 1; }
  awk -v b="${out#* }" -v a="$t0" -v z="$t1" 'BEGIN { printf "%.0f", b / (z - a) / 1e6 }'
}

# W2/W3/W5 slot: wrk; prints "requests/s MB/s non2xx errors"
wrk_slot() {
  local url=$1 len=$2 out rps non err
  out=$(wrk -t2 -c64 -d"${DURATION}s" --timeout 10s -s "$tmp/range.lua" "$url" -- "$size" "$len" 2>&1)
  echo "$out" >> "$tmp/wrk.log"
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  non=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out"); non=${non:-0}
  err=$(awk '/Socket errors:/ {print $0}' <<<"$out" | sed 's/.*errors: //'); err=${err:-none}
  [[ -n $rps ]] || { echo "$out" >&2; exit 1; }
  awk -v r="$rps" -v l="$len" -v n="$non" -v e="$err" 'BEGIN { printf "%.0f %.0f %s %s", r, r * l / 1e6, n, e }'
}

heap_sample() {  # used heap MiB, committed heap MiB, RSS MiB of the bits JVM
  local u c rss
  read -r u c < <(jstat -gc "$bits_pid" | awk 'NR==2 { printf "%.0f %.0f\n", ($3+$4+$6+$8)/1024, ($1+$2+$5+$7)/1024 }')
  rss=$(ps -o rss= -p "$bits_pid" | awk '{printf "%.0f", $1/1024}')
  echo "$u $c $rss"
}

declare -A res   # res[W,side] = space-separated per-slot values (the ratio uses the first field)
declare -A extra
run() {  # run W kind url-scheme [len]
  local w=$1 kind=$2 sc=$3 len=${4:-0} r s v rounds=$ROUNDS
  [[ $kind == whole ]] && rounds=$((ROUNDS * W1_REPEAT))
  for r in $(seq 1 "$rounds"); do
    for s in nginx bits; do
      # untimed: every slot starts with the whole file in the page cache (a VM may page out page
      # cache it sees as idle; this one runs DAMON with a pageout scheme)
      cat "$file" > /dev/null
      if [[ $kind == whole ]]; then
        v=$(whole "${URL[$s,$sc]}"); [[ -n $v ]] || exit 1
      else
        v=$(wrk_slot "${URL[$s,$sc]}" "$len")
        extra[$w,$s,$r]=$v
        v=${v%% *}
      fi
      res[$w,$s]+="$v "
      printf '  %-3s %-5s round %d: %s\n' "$w" "$s" "$r" "${extra[$w,$s,$r]:-$v MB/s}"
    done
  done
}

echo "file: $file ($size bytes); bits pid $bits_pid; nginx $("$NGINX" -v 2>&1 | sed 's/.*\///')"
if ((WARMUP > 0)); then
  echo "warming up both sides (${WARMUP}s of wrk and two whole-file downloads per side and scheme, untimed) ..."
  for sc in http https; do
    for s in nginx bits; do
      wrk -t2 -c16 -d"${WARMUP}s" -s "$tmp/range.lua" "${URL[$s,$sc]}" -- "$size" 1048576 > /dev/null 2>&1
      # and the whole-file path (W1/W4: a body sent in 2 MiB pieces), which ranges never take:
      # bits serve's first whole download started 126 JIT compilations, the next ones 5-16
      for _ in 1 2; do curl -sS --cacert "$tmp/cert.pem" -o /dev/null "${URL[$s,$sc]}"; done
    done
  done
fi
echo "running (${ROUNDS} rounds of A=nginx B=bits per workload, ${DURATION}s per wrk slot) ..."
wanted() { [[ " $WORKLOADS " == *" $1 "* ]]; }
wanted W1 && run W1 whole http
wanted W2 && run W2 wrk http 1048576
# Memory under W2 is sampled in one extra, untimed W2 slot per side, never in a timed one: jstat
# is a JVM of its own (~0.25 s of CPU per sample), which inside a timed slot would take CPU from
# wrk and bits only.
if wanted W2; then
  nginx_rss() { ps -o rss= --ppid "$(cat "$tmp/nginx.pid")" -p "$(cat "$tmp/nginx.pid")" | awk '{s+=$1} END {printf "%.0f", s/1024}'; }
  ( sleep "$((DURATION / 2))"; nginx_rss > "$tmp/mem.nginx" ) &
  hp=$!; wrk_slot "${URL[nginx,http]}" 1048576 > /dev/null; wait "$hp"
  ( sleep "$((DURATION / 2))"; heap_sample > "$tmp/mem.bits" ) &
  hp=$!; wrk_slot "${URL[bits,http]}" 1048576 > /dev/null; wait "$hp"
  extra[mem_bits]=$(cat "$tmp/mem.bits"); extra[mem_nginx]=$(cat "$tmp/mem.nginx")
fi
wanted W3 && run W3 wrk http 65536
wanted W4 && run W4 whole https
wanted W5 && run W5 wrk https 1048576

# TLS engine actually used by the bits server
tls_engine=$(jcmd "$bits_pid" GC.class_histogram 2>/dev/null | grep -o -m1 -E 'io\.netty\.handler\.ssl\.(ReferenceCountedOpenSslEngine|OpenSslEngine|JdkSslEngine)|sun\.security\.ssl\.SSLEngineImpl' || echo unknown)

# ---- 1,000 idle keep-alive connections ---------------------------------------------------------
ulimit -n 4096 2>/dev/null || true
before=$(heap_sample)
fds=()
opened=0
for _ in $(seq 1 1000); do
  if exec {fd}<>"/dev/tcp/127.0.0.1/$b_http"; then
    printf 'HEAD /G/f HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' >&"$fd"
    fds+=("$fd"); opened=$((opened + 1))
  fi
done
sleep 2
established=$(ss -Htn state established "( sport = :$b_http )" | wc -l)
under=$(heap_sample)
jcmd "$bits_pid" GC.run > /dev/null
live=$(heap_sample)
for fd in "${fds[@]}"; do exec {fd}>&-; done

# ---- report -------------------------------------------------------------------------------------
mean() { awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.0f", s / NF }' <<<"$1"; }
echo
echo "range-bench  $(date -u '+%Y-%m-%d %H:%M UTC')  $(uname -srm)  nproc=$(nproc)  $(java -version 2>&1 | head -1)"
echo "load average at end: $(uptime | sed 's/.*load average: //')"
echo "file ${size} B; nginx sendfile on, tcp_nopush $NGINX_TCP_NOPUSH, worker_processes auto ($(nproc)), TLSv1.3 (${tlsinfo[nginx]}); bits TLS: ${tlsinfo[bits]}, engine ${tls_engine}"
echo "access logs: $([[ $ACCESS_LOG == 1 ]] && echo on || echo off) on both sides; warm-up ${WARMUP}s per side and scheme; ${DURATION}s per wrk slot; JAVA_OPTS='${JAVA_OPTS}'"
echo
printf '%-4s %-36s %-22s %-22s %7s %7s\n' W workload "nginx (per slot)" "bits (per slot)" ratio target
row() {
  local w=$1 what=$2 unit=$3 target=$4 n b
  n=$(mean "${res[$w,nginx]}"); b=$(mean "${res[$w,bits]}")
  printf '%-4s %-36s %-22s %-22s %7s %7s %s\n' "$w" "$what" "$n $unit" "$b $unit" \
    "$(awk -v b="$b" -v n="$n" 'BEGIN { printf "%.2f", b / n }')" ">=$target" \
    "$(awk -v b="$b" -v n="$n" -v t="$target" 'BEGIN { print (b / n >= t) ? "ok" : "MISSED" }')"
  printf '%-4s %-36s %-22s %-22s\n' "" "  slots" "${res[$w,nginx]}" "${res[$w,bits]}"
  # each bits slot against the nginx slot just before it, and the median of those ratios: slots
  # drift by 10-20 % on a shared VM, so a total near the target is told apart from noise here
  local rr
  rr=$(paste -d' ' <(tr ' ' '\n' <<<"${res[$w,nginx]}" | sed '/^$/d') <(tr ' ' '\n' <<<"${res[$w,bits]}" | sed '/^$/d') \
    | awk '{ printf "%.2f ", $2 / $1 }')
  printf '%-4s %-36s %-45s %s\n' "" "  ratio per round, median" "$rr" \
    "$(tr ' ' '\n' <<<"$rr" | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')"
  # the per-round ratios' geometric mean with its 95 % confidence interval (Student's t on the
  # logarithms, so a slot that stalls on either side weighs the same): whether a target is met
  # beyond the slots' noise, or only within it
  printf '%-4s %-36s %s\n' "" "  per-round ratios: geo. mean, 95% CI" "$(awk -v t="$target" '{
      n = NF; for (i = 1; i <= n; i++) { x = log($i); s += x; q += x * x }
      m = s / n; sd = n > 1 ? sqrt((q - n * m * m) / (n - 1)) : 0
      split("12.71 4.30 3.18 2.78 2.57 2.45 2.36 2.31 2.26 2.23 2.20 2.18 2.16 2.14 2.13 2.12 2.11 2.10 2.09 2.09", tq, " ")
      h = n > 1 ? (n - 1 <= 20 ? tq[n - 1] : 1.96) * sd / sqrt(n) : 0
      lo = exp(m - h); hi = exp(m + h)
      verdict = (lo >= t) ? "target met beyond noise" : (hi < t) ? "target missed beyond noise" : "within noise of the target"
      printf "%.3f  [%.3f, %.3f]  %s", exp(m), lo, hi, verdict }' <<<"$rr")"
}
wanted W1 && row W1 "1 conn, whole file, HTTP" MB/s 1.0
wanted W2 && row W2 "wrk 64 conn, 1 MiB ranges, HTTP" req/s 1.0
wanted W3 && row W3 "wrk 64 conn, 64 KiB ranges, HTTP" req/s 1.0
wanted W4 && row W4 "1 conn, whole file, HTTPS" MB/s 0.9
wanted W5 && row W5 "wrk 64 conn, 1 MiB ranges, HTTPS" req/s 0.9
echo
echo "wrk details (req/s MB/s non-2xx socket-errors):"
for w in W2 W3 W5; do
  wanted "$w" || continue
  for r in $(seq 1 "$ROUNDS"); do
    printf '  %s round %d: nginx %-40s bits %s\n' "$w" "$r" "${extra[$w,nginx,$r]}" "${extra[$w,bits,$r]}"
  done
done
echo
echo "bits server memory (MiB: heap used, heap committed, RSS):"
wanted W2 && echo "  under W2 (an extra untimed slot, sampled half-way): ${extra[mem_bits]}    (nginx master+workers RSS, same: ${extra[mem_nginx]} MiB)"
echo "  idle before the 1,000 connections: $before"
echo "  with $opened connections opened ($established established): $under"
echo "  same, after a full GC (live):     $live"
read -r hu _ _ <<<"$under"
read -r lu _ _ <<<"$live"
echo "  heap < 256 MiB with 1,000 connections: $([[ $hu -lt 256 && $lu -lt 256 ]] && echo ok || echo MISSED)"
