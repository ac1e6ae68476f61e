#!/usr/bin/env bash
# Fan-out and mouth-to-ear on two mediasoup versions in one run, back to back on the same machine:
# this checkout (3.19.3) and a reference checkout that still runs the old worker (3.8.4: e.g. a clone of
# the last commit before issue 18 with its own node_modules and built worker). Each runs its own Node
# layer with its own worker binary, as each release ships them; the SFU code around them is the same.
#
#   flock /work/locks/heavy bench/worker-versions.sh /path/to/reference-checkout
#
# Figures print as each benchmark runs and are saved to out/bench-results/ in each checkout.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
reference="${1:?usage: bench/worker-versions.sh <reference checkout with the old mediasoup>}"
steps="${BENCH_FANOUT_STEPS:-250,500,1000,1500,2000}"
version() { (cd "$1" && node -e "console.log(require('mediasoup').version)"); }
run() {
  local dir="$1" bench="$2"
  echo "=== mediasoup $(version "$dir") ($dir): $bench, load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$dir" && BENCH_FANOUT_STEPS="$steps" npx vitest run --config bench/vitest.bench.config.ts "bench/$bench.bench.ts")
}
for dir in "$reference" "$here"; do (cd "$dir" && npx electron-vite build >/dev/null); done
# Interleaved (old, new, new, old) so a change in the machine's load weighs on both alike.
run "$reference" fan-out
run "$here" fan-out
run "$here" mouth-to-ear
run "$reference" mouth-to-ear
