#!/usr/bin/env bash
# fair-bench.sh — does one fast download starve the other connections of a server? bits serve
# against Debian's nginx on loopback, same file, plain HTTP and HTTPS (TLS 1.3), in one run.
#
# For each server and scheme: curl downloads the whole file over and over (as fast as it can
# read) while a client on CONNS other keep-alive connections sends small requests (Range:
# bytes=0-65535), one after another, for DURATION seconds. It prints how many small requests
# were answered and their latency (median, p99, worst). A server that lets one sendfile or one
# TLS write loop run for a whole file stalls everything else on that event loop for as long;
# nginx caps each sendfile at 2 MiB (sendfile_max_chunk), bits4j does the same and resumes the
# rest on the event loop's next turn. Over TLS both cores are busy encrypting and decrypting,
# and the latencies depend as much on the scheduler as on the server.
#
# Installs nothing. Needs nginx, curl, openssl, python3, java, ss (Debian packages nginx, curl,
# openssl, python3, openjdk-17-jdk-headless, iproute2) and bits.jar (mvn -B -q -DskipTests package).
#
# Environment (all optional):
#   BITS_JAR   path to bits.jar (default: ../../bits-examples/target/bits.jar from this script)
#   FILE       the file to serve (default: SIZE_MIB of random bytes in the temp dir)
#   SIZE_MIB   size of the generated file (default 1024)
#   DURATION   seconds of small requests per server and scheme (default 6)
#   CONNS      connections sending small requests (default 4)
#   WARMUP     untimed seconds of the same load per server and scheme first (default 5)
#   KEEP_TMP   1 = keep the temp dir
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
BITS_JAR=${BITS_JAR:-$here/../../bits-examples/target/bits.jar}
SIZE_MIB=${SIZE_MIB:-1024}
DURATION=${DURATION:-6}
CONNS=${CONNS:-4}
WARMUP=${WARMUP:-5}

BENCH=fair-bench
# shellcheck source=common.sh
. "$here/common.sh"
need nginx nginx
need curl curl
need openssl openssl
need python3 python3
need java openjdk-17-jdk-headless
need ss iproute2
check_needs "apt-get install -y nginx curl openssl python3 openjdk-17-jdk-headless iproute2"
NGINX=$(command -v nginx)

bench_setup_pair

start_nginx 1024 "  keepalive_requests 1000000;
  access_log off;" "$(nginx_servers "$ng_http" "$ng_https")"

start_bits_serve "$b_http" "$b_https" -Dorg.slf4j.simpleLogger.log.io.bits4j.server.access=warn

cat > "$tmp/fair.py" <<'PY'
import socket, ssl, subprocess, sys, threading, time
scheme, port, seconds, conns, cafile = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
ctx = ssl.create_default_context(cafile=cafile)
url = '%s://127.0.0.1:%d/G/f' % (scheme, port)

def connect():
    s = socket.create_connection(('127.0.0.1', port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return ctx.wrap_socket(s, server_hostname='127.0.0.1') if scheme == 'https' else s

def small(s):
    s.sendall(b'GET /G/f HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=0-65535\r\n\r\n')
    buf = b''
    while b'\r\n\r\n' not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise IOError('closed')
        buf += chunk
    head, body = buf.split(b'\r\n\r\n', 1)
    if b' 206 ' not in head.split(b'\r\n')[0]:
        raise IOError('unexpected answer: %r' % head.split(b'\r\n')[0])
    n = int([l for l in head.split(b'\r\n') if l.lower().startswith(b'content-length:')][0].split(b':')[1])
    while len(body) < n:
        chunk = s.recv(262144)
        if not chunk:
            raise IOError('closed')
        body += chunk

stop = False
downloads = [0]
def big():
    while not stop:
        subprocess.run(['curl', '-s', '--cacert', cafile, '-o', '/dev/null', url], check=True)
        downloads[0] += 1

socks = [connect() for _ in range(conns)]
t = threading.Thread(target=big)
t.start()
time.sleep(0.2)
lat = []
end = time.time() + seconds
while time.time() < end:
    for s in socks:
        a = time.perf_counter()
        small(s)
        lat.append(time.perf_counter() - a)
stop = True
t.join()
lat.sort()
print('%d %.2f %.1f %.1f %d' % (len(lat), lat[len(lat) // 2] * 1e3, lat[int(len(lat) * 0.99)] * 1e3, lat[-1] * 1e3, downloads[0]))
PY

declare -A PORT=([nginx,http]=$ng_http [nginx,https]=$ng_https [bits,http]=$b_http [bits,https]=$b_https)
declare -A out
for sc in http https; do
  for s in nginx bits; do
    if ((WARMUP > 0)); then python3 "$tmp/fair.py" "$sc" "${PORT[$s,$sc]}" "$WARMUP" "$CONNS" "$tmp/cert.pem" > /dev/null; fi
    out[$s,$sc]=$(python3 "$tmp/fair.py" "$sc" "${PORT[$s,$sc]}" "$DURATION" "$CONNS" "$tmp/cert.pem")
    echo "  $s $sc: ${out[$s,$sc]}"
  done
done

echo
echo "fair-bench  $(date -u '+%Y-%m-%d %H:%M UTC')  $(uname -srm)  nproc=$(nproc)  $(java -version 2>&1 | head -1)"
echo "load average at end: $(uptime | sed 's/.*load average: //')"
echo "file ${size} B downloaded whole by curl, again and again, while ${CONNS} other connections send 64 KiB range requests for ${DURATION}s"
echo
printf '%-6s %-6s %10s %10s %10s %10s %12s\n' server scheme answered median p99 worst "whole files"
for sc in http https; do
  for s in nginx bits; do
    read -r n med p99 worst dl <<<"${out[$s,$sc]}"
    printf '%-6s %-6s %10s %8s ms %8s ms %8s ms %12s\n' "$s" "$sc" "$n" "$med" "$p99" "$worst" "$dl"
  done
done
