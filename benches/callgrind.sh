#!/usr/bin/env bash
# Instruction counts per item for the core workloads, under valgrind's callgrind (deterministic
# where timings are not). Each workload runs at two sizes; the difference divided by the extra
# items cancels start-up and set-up. Usage: bash benches/callgrind.sh [workload...]
# The full run's output is committed as benches/results/callgrind.txt, which benches/chart.py
# reads: bash benches/callgrind.sh > benches/results/callgrind.txt
# (f), the `tree_*` workloads, walk a tree of TREE_NODES nodes (65,536 unless set) once and five
# times; the per-node figure does not depend on the size, the run time does.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
# The executable of bench target $1, built if needed.
build() {
  cargo bench --bench "$1" --no-run --message-format=json 2>/dev/null \
    | sed -n 's/.*"executable":"\([^"]*\/'"$1"'-[^"]*\)".*/\1/p' | tail -n 1
}
bin=$(build instructions)
[ -x "$bin" ] || { echo "could not build the instructions bench" >&2; exit 1; }
small=100000
large=1100000
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(
  ping_pong_hand ping_pong_ours ping_pong_genawaiter ping_pong_corosensei ping_pong_diapause
  ping_pong_fauxgen ping_pong_generator_rs handle_ours
  sum_hand sum_ours_for sum_ours_pinned sum_genawaiter sum_corosensei sum_diapause sum_fauxgen
  sum_generator_rs
  perm_hand_callback perm_hand_iter perm_ours perm_corosensei perm_genawaiter perm_diapause
  perm_fauxgen perm_generator_rs
  many_hand many_ours_slice many_ours_boxed many_diapause many_fauxgen many_genawaiter
  tree_hand_iter tree_hand_callback tree_ours tree_corosensei tree_genawaiter tree_diapause
  tree_fauxgen tree_generator_rs
  leaf_calls depth_10 depth_10000
  pipe_iterator_chain pipe_pull pipe_pull_shared pipe_push pipe_push_shared pipe_push_from_generator
  pipe_iterator_chain_two pipe_pull_two pipe_push_then pipe_push_nested pipe_pull_genawaiter pipe_pull_corosensei
  pipe_pull_diapause pipe_pull_fauxgen pipe_pull_generator_rs
  stream_hand stream_ours stream_async_stream stream_genawaiter
)
# (d), the `pipe_*` workloads, are the variants of the pipe bench (`pipe VARIANT N`).
pipe_bin=""
if [[ " ${workloads[*]} " == *" pipe_"* ]]; then
  pipe_bin=$(build pipe)
  [ -x "$pipe_bin" ] || { echo "could not build the pipe bench" >&2; exit 1; }
fi
count() {
  local out exe=$bin name=$1
  if [[ $name == pipe_* ]]; then
    exe=$pipe_bin
    name=${name#pipe_}
  fi
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" "$exe" "$name" "$2" >/dev/null 2>&1
  sed -n 's/^summary: \([0-9]*\).*/\1/p' "$out"
  rm -f "$out"
}
printf '%-24s %s\n' workload instructions/item
for w in "${workloads[@]}"; do
  case "$w" in
    # Permutations of 8 and of 9 elements: 9! - 8! more permutations.
    perm_*) s=8; l=9; items=$((362880 - 40320)) ;;
    # One walk and five walks of a tree of TREE_NODES nodes (the binary's default if unset).
    tree_*) t=${TREE_NODES:-65536}; s=$t; l=$((5 * t)); items=$((4 * t)) ;;
    *) s=$small; l=$large; items=$((large - small)) ;;
  esac
  a=$(count "$w" "$s")
  b=$(count "$w" "$l")
  awk -v w="$w" -v a="$a" -v b="$b" -v n="$items" \
    'BEGIN { printf "%-24s %.2f\n", w, (b - a) / n }'
done
