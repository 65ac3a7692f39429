#!/usr/bin/env bash
# Runs bits-windows-client's Windows-side tests (WindowsSideTests) in a Windows x64 JVM under
# Wine, against Wine's real BITS service (qmgr), with files served by a loopback HTTP server.
#
# Installs what is missing: Debian's wine + wine64 (apt-get), the Windows JRE from npm
# (@node-plantuml-2/jre-win32-x64@1.1.8, integrity checked). Creates a private WINEPREFIX under
# bits-windows-client/target/wine-test, stops its wineserver on exit, prints the logs and a final
# "N passed, N failed" line; exits non-zero on any failure.
#
# Environment: BITS4J_WINE_CACHE (default ~/.cache/bits4j-wine) keeps the unpacked JRE between runs.
set -euo pipefail

MODULE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$MODULE_DIR/.." && pwd)"
WORK="$MODULE_DIR/target/wine-test"
CACHE="${BITS4J_WINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bits4j-wine}"
JRE_PKG="@node-plantuml-2/jre-win32-x64@1.1.8"
JRE_TGZ="node-plantuml-2-jre-win32-x64-1.1.8.tgz"
JRE_INTEGRITY="sha512-tMY4zs+KhMlXVIPVFOqE1GOscDgJPFcjOClvL5XewB+sdLGakkjUxuHt8YjVW8TjCUi+AbQlE7neaXtNoYS8hA=="
JRE="$CACHE/jre-win32-x64-1.1.8"
START=$(date +%s)

log() { printf '[wine-test %3ds] %s\n' "$(( $(date +%s) - START ))" "$*"; }
die() { log "ERROR: $*"; echo "0 passed, 1 failed"; exit 1; }

# ------------------------------------------------------------------ installs
missing=()
dpkg -s wine wine64 >/dev/null 2>&1 || missing+=(wine wine64)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  log "installing ${missing[*]} with apt-get"
  $SUDO apt-get update -q >/dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
PYTHON="$(command -v /usr/bin/python3 || command -v python3)"

if [ ! -f "$JRE/bin/java.exe" ]; then
  log "fetching the Windows JRE $JRE_PKG from npm"
  mkdir -p "$CACHE"
  tmp="$(mktemp -d "$CACHE/pack.XXXXXX")"
  (cd "$tmp" && npm pack "$JRE_PKG" --silent >/dev/null 2>"$tmp/npm.log") || { cat "$tmp/npm.log"; die "npm pack failed"; }
  actual="sha512-$("$PYTHON" -c 'import base64,hashlib,sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1],"rb").read()).digest()).decode())' "$tmp/$JRE_TGZ")"
  [ "$actual" = "$JRE_INTEGRITY" ] || die "integrity mismatch for $JRE_TGZ: $actual"
  mkdir -p "$tmp/jre"
  tar xzf "$tmp/$JRE_TGZ" -C "$tmp/jre" --strip-components=2 package/jre
  rm -rf "$JRE"
  mv "$tmp/jre" "$JRE"
  rm -rf "$tmp"
fi

# ------------------------------------------------------------------ build
rm -rf "$WORK"
mkdir -p "$WORK/src" "$WORK/out"
log "building bits-windows-client and its test classes"
mvn -B -q -f "$ROOT/pom.xml" -pl bits-windows-client,bits-examples -am -DskipTests -Dmaven.javadoc.skip=true \
    -Dmaven.source.skip=true -Denforcer.skip=true package \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile=target/wine-classpath.txt -Dmdep.includeScope=test >"$WORK/mvn.log" 2>&1 \
  || { cat "$WORK/mvn.log"; die "maven build failed"; }
CP="$MODULE_DIR/target/test-classes:$MODULE_DIR/target/classes:$(cat "$MODULE_DIR/target/wine-classpath.txt")"
WIN_CP="${CP//:/;}"  # the Windows JVM reads Unix absolute paths as paths on drive Z:

# ------------------------------------------------------------------ test data + loopback server
head -c 65536 /dev/urandom >"$WORK/src/small.bin"
head -c 4194304 /dev/urandom >"$WORK/src/big.bin"
# The files are served by bits4j's own compact server (`bits serve`) on a free loopback port.
PORT="$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
java -jar "$ROOT/bits-examples/target/bits.jar" serve --group "http://127.0.0.1:$PORT/files" \
    --file "small.bin=$WORK/src/small.bin" --file "big.bin=$WORK/src/big.bin" >"$WORK/http.log" 2>&1 &
HTTP_PID=$!

export WINEPREFIX="$WORK/prefix" WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
cleanup() {
  wineserver -k </dev/null >/dev/null 2>&1 || true
  kill "$HTTP_PID" 2>/dev/null || true
}
trap cleanup EXIT

ready=""
for _ in $(seq 1 300); do
  grep -q '^ready:' "$WORK/http.log" && { ready=1; break; }
  kill -0 "$HTTP_PID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$ready" ] || { cat "$WORK/http.log"; die "bits serve did not start"; }
log "bits serve: $WORK/src on http://127.0.0.1:$PORT/files/"

# ------------------------------------------------------------------ Wine
log "creating the WINEPREFIX $WINEPREFIX"
wineboot -i </dev/null >"$WORK/wineboot.log" 2>&1 || { cat "$WORK/wineboot.log"; die "wineboot failed"; }
# Let the first-boot wineserver finish, then start the BITS service once: on a fresh prefix, a
# CoCreateInstance racing the first service start fails with 0x80070002.
wineserver -w </dev/null >/dev/null 2>&1 || true
wine net start BITS </dev/null >"$WORK/net-start.log" 2>&1 || { cat "$WORK/net-start.log"; die "could not start Wine's BITS service"; }

winpath() { local p="$1"; printf 'Z:%s' "${p//\//\\}"; }
log "running WindowsSideTests in the Windows JVM"
set +e
timeout 600 wine "$JRE/bin/java.exe" -Xmx256m \
    -Dorg.slf4j.simpleLogger.log.io.bits4j=debug -Dorg.slf4j.simpleLogger.showDateTime=true \
    -cp "$WIN_CP" io.bits4j.client.windows.WindowsSideTests \
    --http "http://127.0.0.1:$PORT/files/" --src "$(winpath "$WORK/src")" --out "$(winpath "$WORK/out")" \
    --report "$(winpath "$WORK/report.txt")" </dev/null >"$WORK/java.log" 2>&1
rc=$?
set -e
wineserver -k </dev/null >/dev/null 2>&1 || true

echo "----- Windows JVM output ($WORK/java.log) -----"
cat "$WORK/java.log"
echo "----- HTTP server log -----"
cat "$WORK/http.log"
echo "-----"
log "Windows JVM exit code $rc; total $(( $(date +%s) - START )) s"
if [ ! -s "$WORK/report.txt" ]; then
  die "no report written (the Windows JVM did not finish)"
fi
cat "$WORK/report.txt"
summary="$(tail -1 "$WORK/report.txt")"
failed="$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed$/\1/p' <<<"$summary")"
if [ "$rc" -ne 0 ] || [ "$failed" != "0" ]; then
  exit 1
fi
exit 0
