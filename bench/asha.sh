#!/usr/bin/env bash
# Early stopping against the full grid (issue 20), on the CPU: bench/asha.yaml (27 configurations x 2 seeds on the copy
# task) run twice with `asrnn-grid run`, once with `type: none` (every run to its end) and once with `type: asha`, side by
# side: the iterations each spent (the steps every run trained, summed), its wall time, and whether the best configuration
# (the lowest mean final cross-entropy over the seeds, among the configurations whose runs all completed) is the same.
# Writes bench/out/bench-asha.{txt,json} (or under $OUT) and keeps both results folders there. NO_BUILD=1 runs the existing
# Release build. 2 to 6 minutes on the 2-core development VM, depending on what else runs there (README: the figures).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${OUT:-$root/bench/out}/asha
rm -rf "$out"
mkdir -p "$out"
[ -n "${NO_BUILD:-}" ] || dotnet build src/Actors -c Release -v q -nologo >/dev/null
grid=(dotnet "$root/src/Actors/bin/Release/net10.0/asrnn-grid.dll")

for type in none asha; do
  mkdir -p "$out/$type"
  sed "s/type: asha/type: $type/" bench/asha.yaml > "$out/$type/asha.yaml"
  start=$(date +%s.%N)
  "${grid[@]}" run "$out/$type/asha.yaml" > "$out/$type/run.log" 2>&1 || { echo "run $type failed (exit $?): $out/$type/run.log"; tail -5 "$out/$type/run.log"; exit 1; }
  end=$(date +%s.%N)
  echo "$start $end" > "$out/$type/wall"
done

python3 - "$out" <<'PY' | tee "$out/../bench-asha.txt"
import json, os, re, sys, platform, datetime
out = sys.argv[1]

def sweep(kind):
    folder = os.path.join(out, kind, "results")
    status = json.load(open(os.path.join(folder, "sweep-status.json")))
    start, end = map(float, open(os.path.join(out, kind, "wall")).read().split())
    configs = {}
    for run in status["runs"]:
        yaml = dict(re.match(r"^(\w+): (.*)$", l).groups() for l in open(os.path.join(folder, run["folder"], "run.yaml")) if re.match(r"^\w+: ", l))
        key = f"hidden_size={yaml['hidden_size']}, rmsprop_lr={float(yaml['rmsprop_lr']):g}"
        result = os.path.join(folder, run["folder"], "result.json")
        final = json.load(open(result)).get("final_loss") if run["state"] == "completed" else None
        configs.setdefault(key, []).append((run, final))
    finals = {k: sum(f for _, f in v) / len(v) for k, v in configs.items() if all(f is not None for _, f in v)}
    best = min(finals, key=finals.get)
    return {
        "state": status["state"],
        "runs": len(status["runs"]),
        "iterations": sum(r["step"] for r in status["runs"]),
        "wall_seconds": round(end - start, 1),
        "states": {s: sum(1 for r in status["runs"] if r["state"] == s) for s in sorted({r["state"] for r in status["runs"]})},
        "configurations_to_the_end": len(finals),
        "best": best,
        "best_final_loss": finals[best],
        "finals": finals,
    }

none, asha = sweep("none"), sweep("asha")
share = asha["iterations"] / none["iterations"]
report = {
    "date": datetime.date.today().isoformat(), "machine": f"{platform.node()}: {os.cpu_count()} cores, {platform.platform()}",
    "none": {k: v for k, v in none.items() if k != "finals"}, "asha": {k: v for k, v in asha.items() if k != "finals"},
    "iterations_share": round(share, 4), "same_best": none["best"] == asha["best"],
    "asha_completed_configurations": sorted(asha["finals"], key=asha["finals"].get),
}
json.dump(report, open(os.path.join(out, "..", "bench-asha.json"), "w"), indent=2)
print(f"early stopping on {report['machine']}, {report['date']}")
rows = [
    ("", "type: none", "type: asha"),
    ("runs", none["runs"], asha["runs"]),
    ("states", ", ".join(f"{n} {s}" for s, n in none["states"].items()), ", ".join(f"{n} {s}" for s, n in asha["states"].items())),
    ("iterations spent", f"{none['iterations']:,}", f"{asha['iterations']:,}"),
    ("share of the full grid", "100 %", f"{100 * share:.1f} %"),
    ("wall time of run", f"{none['wall_seconds']} s", f"{asha['wall_seconds']} s"),
    ("configurations to the end", none["configurations_to_the_end"], asha["configurations_to_the_end"]),
]
for name, a, b in rows:
    print(f"{name:28}{str(a):>18}{str(b):>32}")
print(f"best configuration, type none: {none['best']} (final loss {none['best_final_loss']:.6g})")
print(f"best configuration, type asha: {asha['best']} (final loss {asha['best_final_loss']:.6g})")
print("ran to the end with asha: " + "; ".join(f"{k} ({asha['finals'][k]:.3g})" for k in report["asha_completed_configurations"]))
print(f"same best configuration: {'yes' if report['same_best'] else 'no'}; target: <= 35 % of the iterations and the same best")
PY
