#!/usr/bin/env bash
# The cost of mutual TLS between the nodes (issue 19): the demo sweep (experiments.yaml) trained by one worker that
# joins a seed without trainers on loopback, so that every message crosses a node boundary; with TLS (the default) and
# with --insecure-plaintext, alternately (which goes first alternates too: the very first sweep meets cold caches), REPEATS
# times each, after one warm-up sweep that is not counted. Per sweep: iterations/s (the steps of every run over the
# seed's wall time, start to exit: key, handshakes, joining and training) and the CPU seconds of the two node
# processes themselves (user + system; the worker's training children excluded), where TLS's work is done and which
# other jobs on a shared machine disturb less than the wall time. Writes bench/out/tls.txt and each sweep's output.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${OUT:-$root/bench/out}
mkdir -p "$out"
repeats=${REPEATS:-3}
slots=${SLOTS:-1}
dotnet build src/Actors -c Release -v q -nologo >/dev/null
app=$root/src/Actors/bin/Release/net10.0/asrnn-grid.dll
sweep=$root/${SWEEP:-experiments.yaml}
ticks=$(getconf CLK_TCK)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A process's own CPU seconds so far (user + system, not its children's).
own_cpu() { awk -v t="$ticks" '{ sub(/^.*\) /, ""); print ($12 + $13) / t }' "/proc/$1/stat"; }

# One sweep in a fresh folder; prints "steps wall-seconds seed-cpu worker-cpu".
one() {
    local mode=$1 repeat=$2 dir port seed worker start end steps worker_cpu
    dir=$(mktemp -d)
    cp "$sweep" "$dir/experiments.yaml"
    port=$(free_port)
    local flags=()
    [ "$mode" = plaintext ] && flags=(--insecure-plaintext)
    start=$(date +%s.%N)
    /usr/bin/time -f '%U %S' -o "$dir/seed.cpu" \
        dotnet "$app" run "$dir/experiments.yaml" --no-local-trainers --port "$port" "${flags[@]}" >"$dir/seed.out" 2>&1 &
    seed=$!
    if [ "$mode" = tls ]; then
        dotnet "$app" worker --join "127.0.0.1:$port" --results "$dir/results" --cpu-slots "$slots" >"$dir/worker.out" 2>&1 &
    else
        dotnet "$app" worker --join "127.0.0.1:$port" --insecure-plaintext --cpu-slots "$slots" >"$dir/worker.out" 2>&1 &
    fi
    worker=$!
    wait "$seed" || { echo "the $mode sweep failed: $dir/seed.out" >&2; kill "$worker"; exit 1; }
    end=$(date +%s.%N)
    worker_cpu=$(own_cpu "$worker")
    kill -KILL "$worker" 2>/dev/null || true # the sweep is over: nothing of it is left to hand back
    wait "$worker" 2>/dev/null || true
    steps=$(dotnet "$app" status --results "$dir/results" --json | grep -o '"step": [0-9]*' | awk '{s += $2} END {print s}')
    cp "$dir/seed.out" "$out/tls-$mode-$repeat.seed.txt"
    cp "$dir/worker.out" "$out/tls-$mode-$repeat.worker.txt"
    echo "$steps $(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}') $(awk '{print $1 + $2}' "$dir/seed.cpu") $worker_cpu"
    rm -rf "$dir"
}

rm -f "$out/tls-rows.txt"
{
    echo "demo sweep $(basename "$sweep"): one worker with $slots CPU slot(s) joining a seed without trainers on loopback; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
    printf '%-10s %6s %6s %8s %13s %9s %11s\n' mode repeat steps seconds iterations/s seed-cpu-s worker-cpu-s
    one plaintext 0 >/dev/null
    for i in $(seq 1 "$repeats"); do
        order="tls plaintext"
        [ $((i % 2)) -eq 0 ] && order="plaintext tls"
        for mode in $order; do
            read -r steps seconds seed_cpu worker_cpu < <(one "$mode" "$i")
            printf '%-10s %6d %6d %8.1f %13.1f %9.2f %11.2f\n' "$mode" "$i" "$steps" "$seconds" \
                "$(awk -v s="$steps" -v t="$seconds" 'BEGIN {print s / t}')" "$seed_cpu" "$worker_cpu" | tee -a "$out/tls-rows.txt"
        done
    done
    echo "median of each mode:"
    for mode in tls plaintext; do
        grep "^$mode " "$out/tls-rows.txt" | awk -v m="$mode" '
            { n++; it[n] = $5; sc[n] = $6; wc[n] = $7 }
            function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                               return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
            END { printf "%-10s %13.1f iterations/s %9.2f seed-cpu-s %9.2f worker-cpu-s\n", m, median(it, n), median(sc, n), median(wc, n) }'
    done
    echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
} | tee "$out/tls.txt"
