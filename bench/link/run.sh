#!/usr/bin/env bash
# netgear over a throttled link: a veth pair into a network namespace, a tbf
# rate limit on both directions, a netgear receiver inside the namespace and a
# camera-like sender outside, for each rate and case; then a markdown table
# (or --json). Needs root, `ip` and `tc` (iproute2); exits 77 without them.
#
#   bench/link/run.sh [--rates 10,50] [--cases raw,jpeg90,jpeg70,h264] [--seconds 10] [--json]
#                     [--burst 32kb] [--latency 50] [--no-ceiling] [--bin PATH]
#
# Everything it creates is named after its pid (namespace ngbl-PID, veths
# nglPIDa/b, a /30 from 198.18.0.0/15 no other interface has), so runs never
# collide; it is torn down on exit, Ctrl-C and SIGTERM, and a run first removes
# what earlier runs left behind if they were killed too hard to clean up.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${NETGEAR_BENCH_LINK:-$here/../../build/bench/netgear_bench_link}
rates=10,50
cases=""  # default: every case the program knows (`netgear_bench_link cases`)
seconds=10
as_json=0
ceiling=1
# tbf burst: the bucket must hold at least one rate/HZ tick of bytes (5 KB at
# 10 Mbit/s with HZ=250) and more than a packet, or tbf cannot reach its rate;
# a large one lets that many bytes pass at veth speed, a burst no real link has.
# 32 KB is ~26 ms of 10 Mbit/s and ~5 ms of 50 Mbit/s.
burst=32kb
# tbf latency: how long a packet may wait in the queue (tbf sizes its queue as
# rate x latency + burst, and drops beyond). TCP fills that queue, so it is the
# delay a full link adds: 50 ms is a modest Wi-Fi or 4G buffer. Seconds would
# put seconds of delay behind every raw frame; a few ms would drop packets at
# every frame's burst.
latency_ms=50
ceiling_bytes=262144  # the ceiling stream's message payload: fine-grained enough to time at 10 Mbit/s

die() { echo "run.sh: $*" >&2; exit 1; }
skip() { echo "run.sh: SKIP: $*" >&2; exit 77; }
say() { echo "run.sh: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --rates) rates=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --json) as_json=1; shift ;;
    --burst) burst=$2; shift 2 ;;
    --latency) latency_ms=$2; shift 2 ;;
    --no-ceiling) ceiling=0; shift ;;
    --bin) bin=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ $seconds =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--seconds '$seconds' is not a number"
[[ $rates =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--rates '$rates' is not a list of whole Mbit/s"
[[ $latency_ms =~ ^[0-9]+$ ]] || die "--latency '$latency_ms' is not whole milliseconds"

[ "$(id -u)" -eq 0 ] || skip "not root: creating a network namespace needs root"
command -v ip > /dev/null || skip "no 'ip' (iproute2: scripts/install-deps.sh installs it)"
command -v tc > /dev/null || skip "no 'tc' (iproute2: scripts/install-deps.sh installs it)"
[ -x "$bin" ] || die "no benchmark program at $bin (cmake --build build --target netgear_bench_link, or --bin)"

prefix=ngbl
ns="$prefix-$$"
veth_out="ngl$$a"  # root side: the sender's data leaves through it
veth_in="ngl$$b"   # in the namespace: the receiver's replies leave through it
work=$(mktemp -d /tmp/netgear-link.XXXXXX)
receiver_pid=""
sender_pid=""

# Stops a child we started, by its pid: TERM, then KILL if it has not gone within 3 s.
stop_child() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2> /dev/null || return 0
  for ((i = 0; i < 30; i++)); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
}

teardown() {
  trap - EXIT INT TERM
  stop_child "$sender_pid"
  stop_child "$receiver_pid"  # a namespace with a process in it outlives `ip netns del`
  ip netns del "$ns" 2> /dev/null || true  # takes veth_in, and with it its peer veth_out
  ip link del "$veth_out" 2> /dev/null || true
  rm -rf "$work"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Leftovers of earlier runs whose script is gone (SIGKILL leaves no chance to clean up).
for old in $(ip netns list | awk '{print $1}' | grep -E "^$prefix-[0-9]+$" || true); do
  kill -0 "${old#"$prefix"-}" 2> /dev/null && continue  # that run is still going
  say "removing $old, left by an earlier run"
  for pid in $(ip netns pids "$old" 2> /dev/null); do kill -KILL "$pid" 2> /dev/null || true; done
  ip netns del "$old" 2> /dev/null || true
done
for old in $(ip -o link show | grep -oE "ngl[0-9]+a@" | tr -d @ || true); do
  pid=${old#ngl}; pid=${pid%a}
  kill -0 "$pid" 2> /dev/null || ip link del "$old" 2> /dev/null || true
done

# A /30 of 198.18.0.0/15 that no interface here has yet: .1 outside, .2 inside.
index=$(($$ % 32768))
while :; do
  base=$((index * 4))
  net="198.$((18 + base / 65536)).$(((base / 256) % 256))"
  addr_out="$net.$((base % 256 + 1))"
  addr_in="$net.$((base % 256 + 2))"
  ip -o -4 addr show | grep -qE " $net\.$((base % 256 + 1))/| $net\.$((base % 256 + 2))/" || break
  index=$(((index + 1) % 32768))
done

ip netns add "$ns"
ip link add "$veth_out" type veth peer name "$veth_in"
ip link set "$veth_in" netns "$ns"
ip addr add "$addr_out/30" dev "$veth_out"
ip link set "$veth_out" up
ip netns exec "$ns" ip addr add "$addr_in/30" dev "$veth_in"
ip netns exec "$ns" ip link set "$veth_in" up
ip netns exec "$ns" ip link set lo up
say "namespace $ns: $veth_out $addr_out -> $veth_in $addr_in"

shape() {  # shape RATE_MBIT: both directions' egress
  tc qdisc replace dev "$veth_out" root tbf rate "${1}mbit" burst "$burst" latency "${latency_ms}ms"
  ip netns exec "$ns" tc qdisc replace dev "$veth_in" root tbf rate "${1}mbit" burst "$burst" latency "${latency_ms}ms"
}
dropped() {  # packets tbf has dropped on the data direction so far
  tc -s qdisc show dev "$veth_out" | grep -oE "dropped [0-9]+" | head -1 | awk '{print $2}'
}

# Starts `ROLE ARGS...` of the program in the namespace; sets receiver_pid and
# opens its stdout on fd $out; waits (up to 30 s) for its "bound ENDPOINT" line.
start_receiver() {
  rm -f "$work/recv.fifo" && mkfifo "$work/recv.fifo"
  ip netns exec "$ns" "$bin" "$@" > "$work/recv.fifo" 2> "$work/recv.err" &
  receiver_pid=$!
  say "receiver pid $receiver_pid: $*"
  exec {out}< "$work/recv.fifo"
  local line=""
  if ! read -r -t 30 -u "$out" line || [[ $line != "bound "* ]]; then
    cat "$work/recv.err" >&2
    die "the receiver did not report its endpoint within 30 s"
  fi
  endpoint=${line#bound }
}

# Waits for the sender, then for the receiver's one JSON line ($result, "null" if none).
finish() {
  sender_ok=1
  wait "$sender_pid" || sender_ok=0
  sender_pid=""
  result=null
  local line=""
  if read -r -t 60 -u "$out" line && [ -n "$line" ]; then result=$line; fi
  wait "$receiver_pid" || true
  receiver_pid=""
  exec {out}<&-
  if [ "$sender_ok" = 0 ]; then cat "$work/send.err" >&2; fi
  if [ "$result" = null ]; then cat "$work/recv.err" >&2; fi
}

IFS=, read -r -a rate_list <<< "$rates"
declare -A why_not
all_cases=()
while IFS=$'\t' read -r name status; do
  all_cases+=("$name")
  [ "$status" = built ] || why_not[$name]=$status
done < <("$bin" cases)
if [ -n "$cases" ]; then IFS=, read -r -a case_list <<< "$cases"; else case_list=("${all_cases[@]}"); fi
for c in "${case_list[@]}"; do
  [[ " ${all_cases[*]} " == *" $c "* ]] || die "unknown case '$c' (known: ${all_cases[*]})"
done

results="$work/results.jsonl"
printf '{"setup":{"title":"netgear_bench_link: 1280x720 camera-like scene at 30 fps, PAIR, receiver in a network namespace behind tbf on both directions (burst %s, latency %s ms), %s s per case","burst":"%s","latency_ms":%s,"seconds":%s,"namespace":"%s"}}\n' \
  "$burst" "$latency_ms" "$seconds" "$burst" "$latency_ms" "$seconds" "$ns" > "$results"
failed=0
for rate in "${rate_list[@]}"; do
  shape "$rate"
  bitrate=$((rate * 700000))  # the video cases aim at 0.7 x the link's rate
  if [ "$ceiling" = 1 ]; then
    say "$rate Mbit/s: ceiling (plain ZeroMQ)"
    start_receiver ceiling-recv --bind "tcp://$addr_in:*" --seconds "$seconds"
    "$bin" ceiling-send --connect "$endpoint" --seconds "$seconds" --message-bytes "$ceiling_bytes" > "$work/send.out" 2> "$work/send.err" &
    sender_pid=$!
    finish
    printf '{"rate_mbit":%s,"message_bytes":%s,"ceiling":%s}\n' "$rate" "$ceiling_bytes" "$result" >> "$results"
  fi
  for c in "${case_list[@]}"; do
    if [ -n "${why_not[$c]:-}" ]; then
      say "$rate Mbit/s, $c: ${why_not[$c]}"
      printf '{"rate_mbit":%s,"case":"%s","send":{"not_built":"%s"},"recv":null}\n' "$rate" "$c" \
        "$(printf '%s' "${why_not[$c]}" | tr -d '"\\')" >> "$results"
      continue
    fi
    say "$rate Mbit/s, $c: $seconds s"
    drops_before=$(dropped)
    start_receiver recv --bind "tcp://$addr_in:*" --case "$c"
    "$bin" send --connect "$endpoint" --case "$c" --seconds "$seconds" --bitrate "$bitrate" \
      > "$work/send.out" 2> "$work/send.err" &
    sender_pid=$!
    say "sender pid $sender_pid"
    finish
    send_line=$(tail -n 1 "$work/send.out")
    [ -n "$send_line" ] || send_line=null
    if [ "$sender_ok" = 0 ] || [ "$result" = null ]; then failed=1; fi
    printf '{"rate_mbit":%s,"case":"%s","tc_dropped":%s,"recv":%s,"send":%s}\n' \
      "$rate" "$c" "$(($(dropped) - drops_before))" "$result" "$send_line" >> "$results"
  done
done

if [ "$as_json" = 1 ]; then "$bin" report --json "$results"; else "$bin" report "$results"; fi
[ "$failed" = 0 ] || die "a case failed (see above)"
