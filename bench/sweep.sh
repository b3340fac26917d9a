#!/usr/bin/env bash
# The sweep supervisor at scale (issue 17): 100,000 planned runs and 200 trainer slots. Times every decision of the
# book over a whole simulated sweep, sweep-status.json's size and write time, and the recovery of a ledger of
# 1,000,000 events through the real SQLite journal (each recovery in a fresh process). No training, no GPU.
# Writes bench/out/bench-sweep.{txt,json}. RUNS and SLOTS change the scale.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${OUT:-$root/bench/out}
mkdir -p "$out"
dotnet build src/Actors -c Release -v q -nologo >/dev/null
dotnet src/Actors/bin/Release/net10.0/asrnn-grid.dll bench sweep --runs "${RUNS:-100000}" --slots "${SLOTS:-200}" \
    --json "$out/bench-sweep.json" | tee "$out/bench-sweep.txt"
