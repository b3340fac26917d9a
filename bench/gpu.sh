#!/usr/bin/env bash
# The GPU figures in one run: the bench at the papers' shapes, fused and per-step side by side, then 1, 2 and 4 sweep
# slots, then a resume check on the device through the command line (asrnn, lstm and gru on copy: a run crashed at step
# 30 and resumed from its step-20 checkpoint against the uninterrupted run, losses within 1e-4). Every figure to compare
# is taken in this one run.
#
# The program it runs, the first that applies:
#   ASRNN_GRID="command ..."  that command (an asrnn-grid built or installed elsewhere: its path, or "dotnet path/asrnn-grid.dll");
#   .gpu/run.sh               the packed form: the program published with TorchBackend=system without libtorch, beside a .NET
#                             runtime, for a GPU machine without .NET; its run.sh puts PyTorch's torch/lib on the library path;
#   otherwise                 this repository, built here: dotnet build src/Actors -c Release -p:TorchBackend=$TORCH_BACKEND,
#                             cuda by default (cpu when DEVICE=cpu); system uses the machine's libtorch, from $LIBTORCH or
#                             else PyTorch's torch/lib. NO_BUILD=1 runs the existing Release build as it is.
# Settings: DEVICE (cuda), CASES (the papers' cases), SLOTS (1,2,4), SLOT_CASE (pmnist:asrnn:122), ITERATIONS (10),
# WARMUP (3), RESUME_MODELS (asrnn lstm gru). Needs python3 for the resume comparison.
# Writes into $OUT (or bench/out/): gpu.txt (the device), bench-gpu.txt (the tables), bench-gpu.json (the rows),
# bench-gpu.log (the programs' output), cuda-resume.txt (the resume check).
# A dry run of the whole script on a machine without a GPU: DEVICE=cpu CASES=copy:asrnn:16 SLOTS=1,2 ITERATIONS=2 bash bench/gpu.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fail() { echo "bench/gpu.sh: $*" >&2; exit 2; }
device=${DEVICE:-cuda}
out=${OUT:-$root/bench/out}
mkdir -p "$out"

if [ -n "${ASRNN_GRID:-}" ]; then
    read -ra app <<< "$ASRNN_GRID"
elif [ -x .gpu/run.sh ]; then
    [ -f .gpu/app/asrnn-grid.dll ] || fail ".gpu/app/asrnn-grid.dll is missing: .gpu/ must hold the published src/Actors/Actors.csproj"
    # The packed run.sh names the program's dll after the project file (Actors.dll); this program's assembly is asrnn-grid.dll.
    sed 's|/app/Actors\.dll|/app/asrnn-grid.dll|' .gpu/run.sh > .gpu/asrnn-grid.sh
    app=(bash .gpu/asrnn-grid.sh)
else
    backend=${TORCH_BACKEND:-$([ "$device" = cpu ] && echo cpu || echo cuda)}
    case "$backend" in cpu|cuda|system) ;; *) fail "TORCH_BACKEND must be cpu, cuda or system, got '$backend'" ;; esac
    command -v dotnet > /dev/null || fail "dotnet (the .NET 10 SDK) is not on PATH; or set ASRNN_GRID to a built program"
    project=src/Actors/Actors.csproj
    if [ "${NO_BUILD:-0}" != 1 ]; then
        echo "building $project (Release, TorchBackend=$backend) ..." >&2
        dotnet build "$project" -c Release -p:TorchBackend="$backend" > "$out/build.log" 2>&1 \
            || { tail -20 "$out/build.log" >&2; fail "the build failed (full log: $out/build.log)"; }
    fi
    dll=$(dotnet msbuild "$project" -getProperty:TargetPath -p:Configuration=Release)
    [ -f "$dll" ] || fail "$dll is missing: build it (dotnet build $project -c Release -p:TorchBackend=$backend) or drop NO_BUILD"
    if [ "$backend" = system ]; then
        libtorch=${LIBTORCH:-$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2> /dev/null || true)}
        [ -n "$libtorch" ] && [ -d "$libtorch" ] || fail "TORCH_BACKEND=system needs libtorch: set LIBTORCH to its lib folder, or install PyTorch for python3"
        export LD_LIBRARY_PATH="$libtorch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    fi
    app=(dotnet "$dll")
fi
echo "program: ${app[*]}" >&2
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
