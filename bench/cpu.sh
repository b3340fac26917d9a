#!/usr/bin/env bash
# The CPU figures of the README's bench section (a 2-core machine: few iterations; pMNIST and PTB at the
# papers' shapes, per model; then the copy task, L = 100, hidden 64). Writes bench/out/bench-cpu*.{txt,json}.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${OUT:-$root/bench/out}
mkdir -p "$out"
dotnet build src/Actors -c Release -v q -nologo >/dev/null
app=src/Actors/bin/Release/net10.0/asrnn-grid.dll
dotnet "$app" bench --device cpu --fused ${FUSED:-both} --iterations ${ITERATIONS:-3} --warmup 1 \
    --case pmnist:asrnn:122,pmnist:asrnn:364,pmnist:lstm:128,pmnist:exprnn:170,ptb:asrnn:1024 \
    --json "$out/bench-cpu.json" | tee "$out/bench-cpu.txt"
dotnet "$app" bench --device cpu --fused ${FUSED:-both} --iterations 10 --warmup 2 --seq-length 120 \
    --case copy:asrnn:64,copy:exprnn:64,copy:dtriv:64,copy:scornn:64,copy:rnn:64,copy:lstm:64 \
    --json "$out/bench-cpu-copy.json" | tee "$out/bench-cpu-copy.txt"
# Sweep slots on the CPU: one and two concurrent trainer processes, each with cores / slots libtorch threads.
dotnet "$app" bench --device cpu --fused true --iterations 10 --warmup 2 --seq-length 120 \
    --case copy:asrnn:64 --slots 1,2 --slot-case copy:asrnn:64 \
    --json "$out/bench-cpu-slots.json" | tee "$out/bench-cpu-slots.txt"
