#!/usr/bin/env bash
# Instruction counts per item for the core workloads, under valgrind's callgrind (deterministic
# where timings are not). Each workload runs at two sizes; the difference divided by the extra
# items cancels start-up and set-up. Usage: bash benches/callgrind.sh [workload...]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
bin=$(cargo bench --bench instructions --no-run --message-format=json 2>/dev/null \
  | sed -n 's/.*"executable":"\([^"]*instructions[^"]*\)".*/\1/p' | tail -n 1)
[ -x "$bin" ] || { echo "could not build the instructions bench" >&2; exit 1; }
small=100000
large=1100000
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(
  ping_pong_hand ping_pong_ours ping_pong_genawaiter ping_pong_corosensei
  sum_hand sum_ours_for sum_ours_pinned sum_genawaiter sum_corosensei
  perm_hand_callback perm_hand_iter perm_ours perm_corosensei perm_genawaiter
  leaf_calls depth_10 depth_10000
  stream_hand stream_ours stream_async_stream stream_genawaiter
)
count() {
  local out
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" "$1" "$2" >/dev/null 2>&1
  sed -n 's/^summary: \([0-9]*\).*/\1/p' "$out"
  rm -f "$out"
}
printf '%-24s %s\n' workload instructions/item
for w in "${workloads[@]}"; do
  case "$w" in
    # Permutations of 8 and of 9 elements: 9! - 8! more permutations.
    perm_*) s=8; l=9; items=$((362880 - 40320)) ;;
    *) s=$small; l=$large; items=$((large - small)) ;;
  esac
  a=$(count "$w" "$s")
  b=$(count "$w" "$l")
  awk -v w="$w" -v a="$a" -v b="$b" -v n="$items" \
    'BEGIN { printf "%-24s %.2f\n", w, (b - a) / n }'
done
