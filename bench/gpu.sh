#!/usr/bin/env bash
# GPU figures of issue 5 in one run (see ../shared/gpu/README.md):
#   here, from the repository root:   ../shared/gpu/pack.sh src/Actors/Actors.csproj     (writes .gpu/, ignored by git)
#   on the GPU machine, same root:    bash bench/gpu.sh                                   (carry .gpu with the tree)
# pack.sh appends to .git/info/exclude, so run it from a plain clone (in a git worktree .git is a file and it stops).
# Writes into $OUT (or bench/out/): bench-gpu.txt (the tables), bench-gpu.json (the rows), bench-gpu.log, and
# cuda-resume.txt (a run crashed at step 30 and resumed from its step-20 checkpoint against the uninterrupted run).
# Every figure to compare is taken in this one run: fused and per-step side by side, then the sweep slots.
# A dry run of the whole script on a machine without a GPU: DEVICE=cpu CASES=copy:asrnn:16 SLOTS=1,2 ITERATIONS=2 ...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -x .gpu/run.sh ] || { echo "bench/gpu.sh: .gpu/run.sh is missing; run ../shared/gpu/pack.sh src/Actors/Actors.csproj first" >&2; exit 2; }
[ -f .gpu/app/asrnn-grid.dll ] || { echo "bench/gpu.sh: .gpu/app/asrnn-grid.dll is missing; pack src/Actors/Actors.csproj" >&2; exit 2; }
# pack.sh names the program's dll after the project file (Actors.dll); this program's assembly is asrnn-grid.dll.
sed 's|/app/Actors\.dll|/app/asrnn-grid.dll|' .gpu/run.sh > .gpu/asrnn-grid.sh
app=(bash .gpu/asrnn-grid.sh)
device=${DEVICE:-cuda}
out=${OUT:-$root/bench/out}
mkdir -p "$out"
if command -v nvidia-smi > /dev/null; then nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; else echo "no nvidia-smi: device $device"; fi > "$out/gpu.txt"

# The papers' shapes (pMNIST B=128 T=784, PTB BPTT 150 B=128); the per-step rows are slow (~0.5 s/iteration), hence 10 iterations.
"${app[@]}" bench --device "$device" --fused both --iterations "${ITERATIONS:-10}" --warmup "${WARMUP:-3}" \
    ${CASES:+--case "$CASES"} --slots "${SLOTS:-1,2,4}" --slot-case "${SLOT_CASE:-pmnist:asrnn:122}" \
    --json "$out/bench-gpu.json" > "$out/bench-gpu.txt" 2> "$out/bench-gpu.log"

# Resume on the device: the same run uninterrupted, and crashed at step 30 then resumed from its step-20 checkpoint.
# cuDNN's kernels may sum in another order from call to call, so the losses must agree within 1e-4, not to the bit.
: > "$out/cuda-resume.txt"
for model in ${RESUME_MODELS:-asrnn lstm gru}; do
    runs="$out/resume-$model"
    rm -rf "$runs"
    train=("${app[@]}" train --task copy --model "$model" --hidden_size 32 --batch_size 32 --iterations 50
           --checkpoint_every 20 --log_every 1 --device "$device")
    "${train[@]}" --out "$runs/whole" >> "$out/bench-gpu.log" 2>&1
    "${train[@]}" --out "$runs/split" --fail_at_step 30 >> "$out/bench-gpu.log" 2>&1 || true
    "${train[@]}" --out "$runs/split" >> "$out/bench-gpu.log" 2>&1
    python3 - "$model" "$runs/whole/metrics.jsonl" "$runs/split/metrics.jsonl" >> "$out/cuda-resume.txt" <<'PY'
import json, sys
model, whole, split = sys.argv[1], *(([json.loads(l)["loss"] for l in open(p)]) for p in sys.argv[2:])
worst = max((abs(a - b) for a, b in zip(whole, split)), default=float("nan"))
ok = len(whole) == len(split) == 50 and worst <= 1e-4
print(f"{model}: {len(whole)} / {len(split)} steps, largest loss difference {worst:.3g}: {'within' if ok else 'NOT within'} 1e-4")
PY
done
cat "$out/gpu.txt" "$out/bench-gpu.txt" "$out/cuda-resume.txt"
