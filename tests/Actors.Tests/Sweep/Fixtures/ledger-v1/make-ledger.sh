#!/usr/bin/env bash
# Writes ledger.db: a real SQLite ledger written by the real supervisor of the build named by $DLL (this fixture:
# main at a9febab's code, before the ledger events were versioned), through three `asrnn-grid run` sessions:
#   1. runs done (completes), retried (fails once, then completes from its checkpoint), gaveup (NaN on every
#      attempt: gives up after max_retries 1; retry_backoff 0, so that both retry before the next run starts), interrupted (long; the supervisor is killed with SIGKILL while it trains);
#   2. `--retry-failed` on gaveup alone: a fresh budget, which it spends again;
#   3. flaky (two runs failing on every attempt) before the others, quarantine_after 2: the supervisor marks the
#      interrupted attempt of session 1 as interrupted, two different runs fail in a row on the CPU, the device is
#      quarantined and the sweep stalls.
# Usage: DLL=src/Actors/bin/Debug/net10.0/asrnn-grid.dll bash make-ledger.sh OUT_FOLDER
set -euo pipefail
DLL=${DLL:?path of asrnn-grid.dll}
OUT=${1:?output folder}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

header() { cat <<YAML
results: results
max_retries: 1
retry_backoff: $2
quarantine_after: $1
cpu_slots: 1
defaults: { task: copy, model: asrnn, hidden_size: 8, batch_size: 8, recall_length: 3, delay_length: 5, log_every: 5, checkpoint_every: 5 }
experiments:
YAML
}
exp() { echo "  - { name: $1, iterations: $2, seeds: [$3] }"; }

export ASRNN_GRID_TEST_FAULTS="retried@1:fail@12;gaveup@*:nan@7;flaky@*:fail@3"

# Session 1: killed with SIGKILL once `interrupted` has a checkpoint.
{ header 10 0; exp done 20 1; exp retried 20 1; exp gaveup 20 1; exp interrupted 100000 1; } > "$WORK/s1.yaml"
dotnet "$DLL" run "$WORK/s1.yaml" > "$WORK/s1.log" 2>&1 &
PID=$!
for _ in $(seq 600); do
  sleep 0.5
  if grep -q '"checkpoint_step"' "$WORK/results/sweep-status.json" 2>/dev/null &&
     python3 - "$WORK/results/sweep-status.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(0 if any(r["id"].startswith("interrupted") and r["state"] == "running" and r.get("checkpoint_step", 0) > 0 for r in s["runs"]) else 1)
PY
  then break; fi
done
kill -9 "$PID"; wait "$PID" || true
# The child notices its parent is gone, checkpoints and stops: let it finish before the next session.
while pgrep -f "runs/interrupted-" > /dev/null; do sleep 0.5; done

# Session 2: --retry-failed on gaveup alone.
{ header 10 1; exp gaveup 20 1; } > "$WORK/s2.yaml"
dotnet "$DLL" run "$WORK/s2.yaml" --results "$WORK/results" --retry-failed > "$WORK/s2.log" 2>&1 || echo "session 2 exit $?"

# Session 3: the device is quarantined; the sweep stalls.
{ header 2 1; exp flaky 20 "1, 2"; exp done 20 1; exp retried 20 1; exp gaveup 20 1; exp interrupted 100000 1; } > "$WORK/s3.yaml"
dotnet "$DLL" run "$WORK/s3.yaml" --results "$WORK/results" > "$WORK/s3.log" 2>&1 || echo "session 3 exit $?"

# Session 4, for ../ledger-v2 only (FOURTH_SESSION=clear-quarantine): `--clear-quarantine`, an event version 2 added.
if [ "${FOURTH_SESSION:-}" = clear-quarantine ]; then
  { header 2 1; exp done 20 1; } > "$WORK/s4.yaml"
  dotnet "$DLL" run "$WORK/s4.yaml" --results "$WORK/results" --clear-quarantine > "$WORK/s4.log" 2>&1 || echo "session 4 exit $?"
fi

# Session 5, for ../ledger-v3 only (FIFTH_SESSION=out-of-memory): a run whose first attempt dies of CUDA out-of-memory,
# the outcome version 3 added; it is retried after the backoff and completes.
if [ "${FIFTH_SESSION:-}" = out-of-memory ]; then
  { header 10 0; exp oomy 20 1; } > "$WORK/s5.yaml"
  ASRNN_GRID_TEST_FAULTS="oomy@1:oom@6" dotnet "$DLL" run "$WORK/s5.yaml" --results "$WORK/results" > "$WORK/s5.log" 2>&1 || echo "session 5 exit $?"
fi

mkdir -p "$OUT"
cp "$WORK/results/ledger.db" "$OUT/ledger.db"
cp "$WORK/results/sweep-status.json" "$OUT/sweep-status.json"
cat "$WORK"/s*.log > "$OUT/sessions.log"
ls "$WORK/results"
