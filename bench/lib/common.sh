# Sourced by the section scripts (bench/bulk, bench/shim-iperf, bench/slirp, bench/rr): their
# options, the lab (two network namespaces and a veth pair with unique names, removed on exit),
# the server, and the numbers every section needs. bench/README.md has the contract with run-all.
#
# After bench_init NAME "$@": $here (the repo), $SECTION, $RUNS, $QUICK (0/1), $SECONDS_PER
# (iperf3/rr duration), $SIZE_MIB (bulk transfer size), $OUT (the JSON-lines file), $WORK.

source "$(dirname "${BASH_SOURCE[0]}")/netns.sh"

bench_usage() {
  cat >&2 <<EOF
usage: bench/$SECTION [--quick] [--runs N] [--seconds S] [--size MiB] [--offloads on|off]
  --quick      1 run, short durations (smoke test)
  --runs N     runs per figure (default \$BENCH_RUNS or 5)
  --seconds S  duration of each timed transfer or request/response test
  --size MiB   bytes per bulk transfer (bench/bulk)
  --offloads off  TSO/GSO/GRO and checksum offload off on the lab's veth ends (default on:
               the peer sends TSO super-frames with partial checksums; link-afpacket completes them)
Figures go as JSON lines to \$BENCH_OUT (bench/README.md); run alone, a table is printed.
EOF
}

bench_init() {
  SECTION="$1"; shift
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  RUNS="${BENCH_RUNS:-5}"
  QUICK="${BENCH_QUICK:-0}"
  SECONDS_PER=""
  SIZE_MIB=""
  OFFLOADS="${BENCH_OFFLOADS:-on}"
  while [ $# -gt 0 ]; do
    case "$1" in
      --quick) QUICK=1; shift ;;
      --runs) RUNS="$2"; shift 2 ;;
      --seconds) SECONDS_PER="$2"; shift 2 ;;
      --size) SIZE_MIB="$2"; shift 2 ;;
      --offloads) OFFLOADS="$2"; shift 2 ;;
      -h|--help) bench_usage; exit 0 ;;
      *) echo "$SECTION: unknown option $1" >&2; bench_usage; exit 2 ;;
    esac
  done
  if [ "$QUICK" = 1 ]; then
    RUNS=1
    SECONDS_PER="${SECONDS_PER:-2}"
    SIZE_MIB="${SIZE_MIB:-128}"
  else
    SECONDS_PER="${SECONDS_PER:-5}"
    SIZE_MIB="${SIZE_MIB:-1024}"
  fi
  case "$OFFLOADS" in on|off) ;; *) echo "$SECTION: --offloads is on or off" >&2; exit 2 ;; esac
  [ "$(id -u)" = 0 ] || { echo "$SECTION: needs root (network namespaces, veth, AF_PACKET)" >&2; exit 77; }
  STANDALONE=0
  if [ -z "${BENCH_OUT:-}" ]; then
    STANDALONE=1
  fi
  # Our own scratch directory even under run-all: every section cleans up after itself.
  WORK="$(mktemp -d "${BENCH_WORK:-/tmp}/alp-$SECTION.XXXXXX")"
  if [ "$STANDALONE" = 1 ]; then
    BENCH_OUT="$WORK/figures.jsonl"
  fi
  OUT="$BENCH_OUT"
  export BENCH_OUT
  BENCH_ID="$$"
  CLEANUPS=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

bench_need() {
  for t in "$@"; do
    command -v "$t" >/dev/null || { echo "$SECTION: needs $t (bin/install-deps installs it)" >&2; exit 77; }
  done
}

# Runs at exit, also on failure: the cleanups registered with on_exit, newest first, then the
# table (standalone) and the scratch directory.
bench_cleanup() {
  local rc=$?
  local c
  if [ -n "${SERVER_PID:-}" ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "$SECTION: the server exited during the section; the end of its log:" >&2
    tail -30 "$WORK/server.log" >&2
    [ "$rc" = 0 ] && rc=1
  fi
  # Newest first; a cleanup may use any variable name but "c" (eval runs in this scope).
  for ((c = ${#CLEANUPS[@]} - 1; c >= 0; c--)); do
    eval "${CLEANUPS[$c]}" >/dev/null 2>>"$WORK/cleanup.err" || true
  done
  grep -h "could not delete" "$WORK/cleanup.err" >&2 2>/dev/null || true
  if [ "$STANDALONE" = 1 ] && [ -s "$OUT" ]; then
    python3 "$here/bench/lib/report.py" --table "$OUT" || true
  fi
  rm -rf "$WORK"
  exit $rc
}

on_exit() { CLEANUPS+=("$1"); }

emit() { python3 "$here/bench/lib/emit.py" --section "$SECTION" "$@"; }

# --- the lab: namespaces $SRV and $PEER joined by a veth ($SDEV in $SRV, $PDEV in $PEER) ------
# Addresses (TEST-NET-1, only inside these namespaces): the peer 192.0.2.1 on $PDEV, the
# instance 192.0.2.2 (AF_PACKET on $SDEV, its own MAC), the srv-side kernel 192.0.2.3 on $SDEV
# (the kernel baseline, on the same veth and MTU as the instance).
PEER_IP=192.0.2.1
INSTANCE_IP=192.0.2.2
KERNEL_IP=192.0.2.3

netns_new() {
  local ns="$1"
  netns_reap_stale alpbs
  ip netns add "$ns"
  on_exit "netns_del $ns"
  ip -n "$ns" link set lo up
  ip netns exec "$ns" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
    echo 1 > /proc/sys/net/ipv4/tcp_tw_reuse; echo "1024 65000" > /proc/sys/net/ipv4/ip_local_port_range'
}

lab_up() {
  SRV="alpbs-$BENCH_ID-srv"; PEER="alpbs-$BENCH_ID-peer"
  SDEV="bss$BENCH_ID"; PDEV="bsp$BENCH_ID"
  netns_new "$SRV"
  netns_new "$PEER"
  ip link add "$SDEV" netns "$SRV" type veth peer name "$PDEV" netns "$PEER"
  ip -n "$PEER" addr add "$PEER_IP/24" dev "$PDEV"
  ip -n "$SRV" addr add "$KERNEL_IP/24" dev "$SDEV"
  ip -n "$SRV" link set "$SDEV" up
  ip -n "$PEER" link set "$PDEV" up
  if [ "$OFFLOADS" = off ]; then
    bench_need ethtool
    ip netns exec "$SRV" ethtool -K "$SDEV" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
    ip netns exec "$PEER" ethtool -K "$PDEV" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
  fi
  MTU="$(ip netns exec "$SRV" cat "/sys/class/net/$SDEV/mtu")"
}

# --- the server: one instance "bench" on an AF_PACKET link on $SDEV ---------------------------
# Started with -Xlog:gc to $WORK/gc.log; $SERVER_PID is the JVM itself (bin/alpenstack execs it).
server_start() {
  local services="${1:-\"echo\", \"discard\", \"http\"}"
  cat > "$WORK/config.json" <<JSON
{ "links": [ { "name": "lan", "type": "afpacket", "device": "$SDEV", "netns": "$SRV" } ],
  "instances": [ { "name": "bench", "link": "lan", "addresses": ["$INSTANCE_IP/24"], "services": [$services] } ] }
JSON
  mkdir -p "$WORK/state" "$WORK/sock"
  export ALPENSTACK_SOCKET_DIR="$WORK/sock"
  GC_LOG="$WORK/gc.log"
  ALPENSTACK_JAVA_OPTS="${ALPENSTACK_JAVA_OPTS:-} -Xlog:gc:file=$GC_LOG:uptime" \
    "$here/bin/alpenstack" serve --config "$WORK/config.json" --state-dir "$WORK/state" \
    --admin 127.0.0.1:0 >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  on_exit server_stop
  local i
  for i in $(seq 1 1500); do
    grep -q "admin API at" "$WORK/server.log" 2>/dev/null && [ -S "$WORK/sock/bench.sock" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "$SECTION: the server did not start:" >&2; tail -20 "$WORK/server.log" >&2; exit 1; }
    sleep 0.2
  done
  [ -S "$WORK/sock/bench.sock" ] || { echo "$SECTION: the server did not come up in 300 s" >&2; tail -20 "$WORK/server.log" >&2; exit 1; }
  ADMIN="$(sed -n 's|.*admin API at \(http://[0-9.:]*\)/.*|\1|p' "$WORK/server.log" | head -1)"
}

# SIGTERM (a clean stop: the instance, its filters and memberships go), SIGKILL after 10 s.
server_stop() {
  local n
  kill -TERM "$SERVER_PID" 2>/dev/null || return 0
  for n in $(seq 1 50); do
    kill -0 "$SERVER_PID" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$SERVER_PID"
}

# CPU seconds (user + system, all threads) the process has used so far.
cpu_seconds() {
  awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / tck }' "/proc/$1/stat"
}

# GC pauses logged since byte offset $1 of $GC_LOG: "<sum ms> <max ms> <count>".
gc_mark() { stat -c %s "$GC_LOG" 2>/dev/null || echo 0; }
gc_since() {
  tail -c +"$(($1 + 1))" "$GC_LOG" 2>/dev/null | python3 -c '
import re, sys
p = [float(m.group(1)) for m in re.finditer(r"Pause.* ([0-9.]+)ms$", sys.stdin.read(), re.M)]
print(f"{sum(p):.3f} {max(p, default=0.0):.3f} {len(p)}")'
}

# iperf3 -J on stdin: the received rate of the whole test in Gbit/s, or nothing on error.
iperf_gbps() {
  python3 -c '
import json, sys
try:
    j = json.load(sys.stdin)
except ValueError:
    sys.exit(1)
if "error" in j:
    print(j["error"], file=sys.stderr); sys.exit(1)
print(j["end"]["sum_received"]["bits_per_second"] / 1e9)'
}

# iperf3 -J on stdin: bytes received over the whole test.
iperf_bytes() { python3 -c 'import json, sys; print(json.load(sys.stdin)["end"]["sum_received"]["bytes"])'; }

NEXT_PORT=5300
# A one-off iperf3 server in namespace $1 on address $2 on a fresh port, left in $PORT; a
# persistent server answers "busy" for a while after each test, so every test gets its own.
iperf_server() {
  local port=$NEXT_PORT
  NEXT_PORT=$((NEXT_PORT + 1))
  ip netns exec "$1" iperf3 -s -1 -B "$2" -p "$port" >/dev/null 2>&1 &
  on_exit "kill $!"
  local i
  for i in $(seq 1 50); do
    ip netns exec "$1" ss -Htln "sport = :$port" | grep -q . && break
    sleep 0.1
  done
  PORT=$port
}
