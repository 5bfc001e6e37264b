#!/usr/bin/env bash
# `npm test` on a busy machine (issue #14): in a fresh clone of this repository's HEAD, with
# BURNERS CPU-burning processes beside it (started here, each ended here and bounded by
# `timeout` should this script die), first the tests that provoke the disposal race REPEAT times,
# then the whole `npm test` RUNS times in a row. Prints each run's wall time and the load
# average, appends them to $LOG, and exits non-zero on the first failure.
#   RUNS=3 REPEAT=20 BURNERS=2 bash scripts/stress-test.sh
set -euo pipefail
RUNS=${RUNS:-3}
REPEAT=${REPEAT:-20}
BURNERS=${BURNERS:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
LOG=${LOG:-$root/stress-test.log}
work=$(mktemp -d /tmp/codec-stress.XXXXXX)
say() { echo "[stress] $(date -u +%H:%M:%S) $*" | tee -a "$LOG"; }

git clone -q "$root" "$work/clone"
cd "$work/clone"
say "fresh clone of $(git rev-parse --short HEAD) in $work/clone; $(nproc) cores; $BURNERS burners; load: $(cut -d' ' -f1-3 /proc/loadavg)"
pids=()
stop_burners() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop_burners EXIT
for _ in $(seq "$BURNERS"); do
  timeout 3h sh -c 'while :; do :; done' &
  pids+=($!)
done

t0=$(date +%s)
npm ci --no-audit --no-fund >/dev/null 2>&1
say "npm ci: $(( $(date +%s) - t0 )) s"

t0=$(date +%s)
for i in $(seq "$REPEAT"); do npx vitest run tests/modelLifetime.test.ts >/tmp/codec-stress-unit.log 2>&1 || { cat /tmp/codec-stress-unit.log; say "FAILED: the Node race test, run $i of $REPEAT"; exit 1; }; done
say "the Node race test (tests/modelLifetime.test.ts) passed $REPEAT of $REPEAT in $(( $(date +%s) - t0 )) s; load $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s)
node scripts/e2e.mjs --grep 'model lifetime' --repeat "$REPEAT" >/tmp/codec-stress-e2e.log 2>&1 || { tail -40 /tmp/codec-stress-e2e.log; say "FAILED: the e2e race spec"; exit 1; }
say "the e2e race spec (e2e/race.spec.mjs): $(tail -1 /tmp/codec-stress-e2e.log) in $(( $(date +%s) - t0 )) s (incl. the build); load $(cut -d' ' -f1-3 /proc/loadavg)"

for i in $(seq "$RUNS"); do
  t0=$(date +%s)
  if npm test >"/tmp/codec-stress-run$i.log" 2>&1; then
    say "npm test run $i of $RUNS: passed in $(( $(date +%s) - t0 )) s ($(grep -E '^[0-9]+ passed, [0-9]+ failed' "/tmp/codec-stress-run$i.log" | tail -1) e2e; $(grep -E 'Tests +[0-9]+ passed' "/tmp/codec-stress-run$i.log" | tail -1 | sed 's/\x1b\[[0-9;]*m//g' | xargs) unit); load $(cut -d' ' -f1-3 /proc/loadavg)"
  else
    tail -60 "/tmp/codec-stress-run$i.log"
    say "FAILED: npm test run $i of $RUNS after $(( $(date +%s) - t0 )) s (log /tmp/codec-stress-run$i.log)"
    exit 1
  fi
done
say "all green: $RUNS runs of npm test beside $BURNERS CPU burners"
