#!/usr/bin/env bash
# get-bench.sh — `bits get` against `curl -o F && sync F`, fetching one file from Debian's nginx
# on loopback into the same file system, A B C A B C in one run: A = curl, B = `bin/bits get`
# (the launcher, which runs client commands with the C1 JIT and the serial GC), C = plain
# `java -jar bits.jar get` with the JVM's defaults, for reference. The target is judged on B.
#
# bits get forces its data to disk as it goes (the portable client's durability rule: every
# <= 4 MiB or <= 1 s, the defaults `bits get` uses) and renames the finished file into place;
# curl writes into the page cache and `sync F` then forces the file. Both times are wall-clock
# from the start of the command to a file that is on disk; bits get's time includes starting
# the JVM (printed separately). Target: bits get throughput >= 0.9 of curl's.
#
# Installs nothing. Needs nginx, curl, java, sync, cmp (Debian packages nginx, curl,
# openjdk-17-jdk-headless, coreutils, diffutils) and bits.jar (mvn -B -q -DskipTests package).
#
# Environment (all optional):
#   BITS_JAR   path to bits.jar (default: ../../bits-examples/target/bits.jar from this script)
#   BITS       the launcher (default: ../../bin/bits from this script)
#   BENCH_JAR  benchmarks.jar, for the disk probe printed before and after the rounds (default:
#              ../target/benchmarks.jar from this script; the probe is skipped if it is missing)
#   FILE       the file to serve (default: 1 GiB of random bytes created in the temp dir)
#   SIZE_MIB   size of the generated file (default 1024)
#   DEST_DIR   where both downloads go (default: the temp dir, under /tmp)
#   ROUNDS     A B pairs (default 2: A B A B)
#   JAVA_OPTS  extra JVM options for C (plain java -jar)
#   WRITE_IOPS run A, B and C with writes to DEST_DIR's disk limited to this many I/Os per second
#              (a slow disk: spinning, IOPS-limited volume, busy shared disk). Needs root and the
#              cgroup v1 blkio or v2 io controller; the limit applies to the commands, not nginx
#   KEEP_TMP   1 = keep the temp dir
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
BITS_JAR=${BITS_JAR:-$here/../../bits-examples/target/bits.jar}
BITS=${BITS:-$here/../../bin/bits}
BENCH_JAR=${BENCH_JAR:-$here/../target/benchmarks.jar}
SIZE_MIB=${SIZE_MIB:-1024}
ROUNDS=${ROUNDS:-2}
JAVA_OPTS=${JAVA_OPTS:-}

BENCH=get-bench
# shellcheck source=common.sh
. "$here/common.sh"
need nginx nginx
need curl curl
need java openjdk-17-jdk-headless
need sync coreutils
need cmp diffutils
need ss iproute2
check_needs "apt-get install -y nginx curl openjdk-17-jdk-headless coreutils diffutils iproute2"
if ! grep -q "Usage: bits get" <<<"$(java -jar "$BITS_JAR" get 2>&1 || true)"; then
  echo "get-bench: this bits.jar has no 'get' command; rebuild it from a tree that has GetCommand" >&2
  exit 2
fi
[[ -x $BITS ]] || { echo "get-bench: launcher $BITS not found or not executable" >&2; exit 2; }
NGINX=$(command -v nginx)

bench_tmp

free_port port
data_file

dest_dir=${DEST_DIR:-$tmp/dest}
mkdir -p "$dest_dir"
dest_dir=$(readlink -f "$dest_dir")
state=$tmp/state

# WRITE_IOPS: a cgroup with a write-IOPS limit on the destination's disk; `limited CMD...` runs in it
cg=""
limited() { "$@"; }
if [[ -n ${WRITE_IOPS:-} ]]; then
  [[ $WRITE_IOPS =~ ^[1-9][0-9]*$ ]] || { echo "get-bench: WRITE_IOPS must be a positive number" >&2; exit 2; }
  src=$(findmnt -n -o SOURCE --target "$dest_dir")
  disk=$(lsblk -n -d -o PKNAME "$src" 2>/dev/null | head -1)
  devno=$(lsblk -n -d -o MAJ:MIN "/dev/${disk:-${src#/dev/}}" 2>/dev/null | tr -d ' ')
  [[ -n $devno ]] || { echo "get-bench: cannot find the disk under $dest_dir ($src)" >&2; exit 2; }
  if [[ -d /sys/fs/cgroup/blkio ]]; then
    cg=/sys/fs/cgroup/blkio/bits4j-get-bench-$$
    mkdir "$cg" && echo "$devno $WRITE_IOPS" > "$cg/blkio.throttle.write_iops_device"
  elif grep -qw io /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
    echo "+io" > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
    cg=/sys/fs/cgroup/bits4j-get-bench-$$
    mkdir "$cg" && echo "$devno wiops=$WRITE_IOPS" > "$cg/io.max"
  else
    echo "get-bench: WRITE_IOPS needs the cgroup v1 blkio or v2 io controller" >&2; exit 2
  fi || { echo "get-bench: cannot set up the write limit (root needed)" >&2; exit 2; }
  limited() { ( echo "$BASHPID" > "$cg/cgroup.procs" && exec "$@" ); }
  bench_cleanup_hook() { [[ -n $cg ]] && rmdir "$cg" 2>/dev/null || true; }
fi

start_nginx 1024 "  tcp_nopush off;
  access_log off;" "  server {
    listen 127.0.0.1:$port;
    root $tmp/nginx/www;
  }"
url="http://127.0.0.1:$port/G/f"
for _ in $(seq 1 50); do curl -s -o /dev/null -r 0-0 "$url" && break; sleep 0.1; done

now() { date +%s.%N; }
secs() { awk -v a="$1" -v z="$2" 'BEGIN { printf "%.3f", z - a }'; }

run_curl() {  # prints seconds
  local f=$dest_dir/curl.out t0 t1
  t0=$(now)
  limited sh -c 'curl -sS -o "$1" "$2" && sync "$1"' sh "$f" "$url"
  t1=$(now)
  cmp -s "$f" "$file" || { echo "curl: downloaded file differs" >&2; exit 1; }
  secs "$t0" "$t1"
}

run_bits() {  # run_bits launcher|jar: prints seconds
  local f=$dest_dir/bits.out t0 t1 rc=0
  t0=$(now)
  if [[ $1 == launcher ]]; then
    BITS_JAR=$BITS_JAR limited "$BITS" get "$url" "$f" --state-dir "$state" --progress none > "$tmp/bits-get.log" 2>&1 || rc=$?
  else
    # shellcheck disable=SC2086
    limited java $JAVA_OPTS -jar "$BITS_JAR" get "$url" "$f" --state-dir "$state" --progress none > "$tmp/bits-get.log" 2>&1 || rc=$?
  fi
  t1=$(now)
  [[ $rc == 0 ]] || { cat "$tmp/bits-get.log" >&2; echo "bits get ($1) exited $rc" >&2; exit 1; }
  cmp -s "$f" "$file" || { echo "bits get ($1): downloaded file differs" >&2; exit 1; }
  secs "$t0" "$t1"
}

settle() {  # untimed: drop the previous result, flush everything, bring the source back into the page cache
  rm -f "$dest_dir/curl.out" "$dest_dir/bits.out"
  rm -rf "$state"
  sync
  # a VM may page out page cache it sees as idle (this one runs DAMON with a pageout scheme);
  # every slot starts with the whole source file cached, as the first one does
  cat "$file" > /dev/null
}

# The disk's cost of one checkpoint at this moment (2 MiB + fdatasync, state file + fsync + rename),
# without the network: bits get pays it a few hundred times per GiB, curl + sync once, so B/A
# follows it. Printed before and after the rounds.
probe() {
  if [[ -f $BENCH_JAR ]]; then
    limited java -cp "$BENCH_JAR" io.bits4j.benchmarks.FlushProbe "$dest_dir/probe" 64 2 2>&1 | sed 's/^/  /'
    rm -rf "$dest_dir/probe"
  else
    echo "  (no $BENCH_JAR: build with mvn -B -q -DskipTests package)"
  fi
}

# JVM start-up of the CLI alone, for reference
t0=$(now); java $JAVA_OPTS -jar "$BITS_JAR" --help > /dev/null 2>&1 || true; t1=$(now)
jvm=$(secs "$t0" "$t1")

# untimed: one download each way first. The first download after the source file was generated
# was consistently slow here (curl + sync 3.0-3.7 s against 1.6-1.8 s in later rounds), which
# would flatter whichever side runs first.
probe_before=$(probe)
echo "warming up (one untimed download each way) ..."
settle; run_curl > /dev/null; settle; run_bits launcher > /dev/null; settle; run_bits jar > /dev/null

echo "running ${ROUNDS} rounds of A=curl+sync B=bin/bits get C=java -jar bits.jar get, ${size} bytes each ..."
a_list=""; b_list=""; c_list=""
for r in $(seq 1 "$ROUNDS"); do
  settle; a=$(run_curl); [[ -n $a ]] || exit 1
  printf '  round %d  A curl -o F && sync F:    %8s s\n' "$r" "$a"
  settle; b=$(run_bits launcher); [[ -n $b ]] || exit 1
  printf '  round %d  B bin/bits get:           %8s s\n' "$r" "$b"
  settle; c=$(run_bits jar); [[ -n $c ]] || exit 1
  printf '  round %d  C java -jar bits.jar get: %8s s\n' "$r" "$c"
  a_list+="$a "; b_list+="$b "; c_list+="$c "
done
settle
probe_after=$(probe)

mbps() { awk -v s="$1" -v n="$size" 'BEGIN { printf "%.0f", n / s / 1e6 }'; }
total() { awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.3f", s }' <<<"$1"; }
rate() { awk -v t="$(total "$1")" -v n="$size" -v r="$ROUNDS" 'BEGIN { printf "%.0f", n * r / t / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }
ma=$(rate "$a_list"); mb=$(rate "$b_list"); mc=$(rate "$c_list")
fs=$(df -T "$dest_dir" | awk 'NR==2 {print $2 " on " $1}')
per() { local out="" s; for s in $1; do out+="$(mbps "$s") "; done; echo "$out"; }

echo
echo "get-bench  $(date -u '+%Y-%m-%d %H:%M UTC')  $(uname -srm)  nproc=$(nproc)  $(java -version 2>&1 | head -1)"
echo "load average at end: $(uptime | sed 's/.*load average: //')"
echo "file ${size} B from nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') on loopback (sendfile on) into $dest_dir ($fs)"
[[ -n $cg ]] && echo "writes of A, B and C to that disk ($devno) limited to $WRITE_IOPS I/Os per second (cgroup $cg)"
echo "bits get durability interval: data forced and offset recorded every <= 4 MiB or <= 1 s (portable-client defaults)"
echo "disk per checkpoint-sized step (io.bits4j.benchmarks.FlushProbe in $dest_dir), before the rounds:"
echo "$probe_before"
echo "after the rounds:"
echo "$probe_after"
echo "bits get times include JVM start-up; 'java -jar bits.jar --help' alone took ${jvm} s here"
echo "B runs $BITS (JVM options for get: -XX:TieredStopAtLevel=1 -XX:+UseSerialGC); C runs java ${JAVA_OPTS:-(defaults)} -jar bits.jar"
echo
printf '%-26s %-14s %-14s %-14s %-8s %-8s %s\n' "" "A: curl+sync" "B: bin/bits" "C: java -jar" "B/A" "C/A" "target (B/A)"
printf '%-26s %-14s %-14s %-14s %-8s %-8s %s\n' "throughput (all rounds)" "$ma MB/s" "$mb MB/s" "$mc MB/s" \
  "$(ratio "$ma" "$mb")" "$(ratio "$ma" "$mc")" \
  ">=0.9 $(awk -v a="$ma" -v b="$mb" 'BEGIN { print (b / a >= 0.9) ? "ok" : "MISSED" }')"
printf '%-26s %-14s %-14s %-14s\n' "seconds per round" "$a_list" "$b_list" "$c_list"
printf '%-26s %-14s %-14s %-14s\n' "MB/s per round" "$(per "$a_list")" "$(per "$b_list")" "$(per "$c_list")"
# Per-round ratios (each B or C against the curl slot of its own round) and their median: on a
# shared disk one slow round moves the totals above, the median shows the typical round. The
# target is judged on the totals.
pair_ratios() {  # pair_ratios "a1 a2 .." "b1 b2 ..": B/A per round (A and B are seconds)
  paste -d' ' <(tr ' ' '\n' <<<"$1" | sed '/^$/d') <(tr ' ' '\n' <<<"$2" | sed '/^$/d') \
    | awk '{ printf "%.2f ", $1 / $2 }'
}
median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
rb=$(pair_ratios "$a_list" "$b_list"); rc=$(pair_ratios "$a_list" "$c_list")
printf '%-26s %-14s %-14s %-14s\n' "ratio per round (vs A)" "" "$rb" "$rc"
printf '%-26s %-14s %-14s %-14s\n' "median ratio" "" "$(median "$rb")" "$(median "$rc")"
