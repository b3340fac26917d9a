#!/usr/bin/env bash
# GPU figures of issue 5 in one run (see ../shared/gpu/README.md):
#   here, from the repository root:   ../shared/gpu/pack.sh src/Actors/Actors.csproj     (writes .gpu/, ignored by git)
#   on the GPU machine, same root:    bash bench/gpu.sh                                   (carry .gpu with the tree)
# pack.sh appends to .git/info/exclude, so run it from a plain clone (in a git worktree .git is a file and it stops).
# Writes bench-gpu.txt (the tables), bench-gpu.json (the rows) and bench-gpu.log into $OUT (or bench/out/).
# Every figure to compare is taken in this one run: fused and per-step side by side, then the sweep slots.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -x .gpu/run.sh ] || { echo "bench/gpu.sh: .gpu/run.sh is missing; run ../shared/gpu/pack.sh src/Actors/Actors.csproj first" >&2; exit 2; }
out=${OUT:-$root/bench/out}
mkdir -p "$out"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader > "$out/gpu.txt" 2>&1 || true
# The papers' shapes (pMNIST B=128 T=784, PTB BPTT 150 B=128); the per-step rows are slow (~0.5 s/iteration), hence 10 iterations.
bash .gpu/run.sh bench --device cuda --fused both --iterations ${ITERATIONS:-10} --warmup ${WARMUP:-3} \
    --slots 1,2,4 --slot-case pmnist:asrnn:122 --json "$out/bench-gpu.json" \
    > "$out/bench-gpu.txt" 2> "$out/bench-gpu.log"
cat "$out/gpu.txt" "$out/bench-gpu.txt"
