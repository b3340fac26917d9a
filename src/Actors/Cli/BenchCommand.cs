using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AsRnnGrid.Training.Bench;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// `asrnn-grid bench`: times training iterations of each model at the papers' sizes on pMNIST and PTB shapes
/// (synthetic data), with the checkpoint's write time and its share of training time; `--slots 1,2,4` adds
/// the sweep throughput of concurrent trainer processes on the same device. Every case runs in a `--child` process
/// of its own (hidden: times one case and prints one JSON row; with `--barrier` it waits after its warm-up, as slots do).
/// </summary>
public static class BenchCommand
{
    public static Command Build()
    {
        var command = new Command("bench", "time training iterations and checkpoint writes of each model at the papers' sizes (synthetic pMNIST / PTB data)");
        var device = new Option<string>("--device") { Description = "cpu (default) | cuda | cuda:N | auto", DefaultValueFactory = _ => "cpu" };
        var cases = new Option<string[]>("--case") { Description = "task:model:hidden to time (repeatable or comma-separated; task pmnist | ptb | copy); default: the papers' sizes", HelpName = "task:model:hidden" };
        var models = new Option<string[]>("--model") { Description = "time only these models of the default cases (repeatable or comma-separated)" };
        var tasks = new Option<string[]>("--task") { Description = "time only these tasks of the default cases: pmnist | ptb" };
        var iterations = new Option<int?>("--iterations") { Description = "timed iterations per case (default 20; --quick 5)" };
        var warmup = new Option<int?>("--warmup") { Description = "untimed iterations first (default 3; --quick 1)" };
        var batch = new Option<int?>("--batch") { Description = "batch size (default 128; --quick 32)" };
        var seqLength = new Option<int?>("--seq-length") { Description = "steps per sequence: pMNIST T (784), PTB's BPTT (150), copy L + 20 (1020); --quick 100" };
        var checkpoints = new Option<int?>("--checkpoints") { Description = "checkpoints written per case to time one (default 3)" };
        var dtype = new Option<string>("--dtype") { Description = "float32 (default) | float64", DefaultValueFactory = _ => "float32" };
        var quick = new Option<bool>("--quick") { Description = "a CPU-sized preset: batch 32, 100 steps, 5 iterations after 1 warm-up (explicit options win)" };
        var json = new Option<string>("--json") { Description = "also write the rows (and slot rows) to this JSON file", HelpName = "file" };
        var slots = new Option<string>("--slots") { Description = "sweep throughput: numbers of concurrent trainer processes on the device, e.g. 1,2,4", HelpName = "list" };
        var slotCase = new Option<string>("--slot-case") { Description = "the case the slots train (default pmnist:asrnn:122)", DefaultValueFactory = _ => "pmnist:asrnn:122", HelpName = "task:model:hidden" };
        var fused = new Option<string>("--fused") { Description = "both (default: fused and per-step side by side) | true | false", DefaultValueFactory = _ => "both" };
        var threads = new Option<int?>("--threads") { Description = "libtorch's CPU threads (default: libtorch's own); each slot's process gets cores / slots" };
        var child = new Option<bool>("--child") { Description = "time exactly one --case and print one JSON row (what each case and slot runs)", Hidden = true };
        var barrier = new Option<bool>("--barrier") { Description = "with --child: after the warm-up print 'ready' and wait for a line on standard input", Hidden = true };
        foreach (var o in new Option[] { device, cases, models, tasks, iterations, warmup, batch, seqLength, checkpoints, dtype, fused, quick, json, slots, slotCase, threads, child, barrier })
            command.Options.Add(o);
        command.Subcommands.Add(SweepBenchCommand.Build());

        command.SetAction(parsed =>
        {
            bool isQuick = parsed.GetValue(quick);
            if (parsed.GetValue(threads) is { } threadCount)
            {
                if (threadCount < 1) throw new ConfigurationException("bench --threads must be at least 1");
                TorchSharp.torch.set_num_threads(threadCount);
            }
            var settings = new BenchSettings
            {
                Device = parsed.GetValue(device)!,
                Iterations = parsed.GetValue(iterations) ?? (isQuick ? 5 : 20),
                Warmup = parsed.GetValue(warmup) ?? (isQuick ? 1 : 3),
                Batch = parsed.GetValue(batch) ?? (isQuick ? 32 : null),
                SeqLength = parsed.GetValue(seqLength) ?? (isQuick ? 100 : null),
                CheckpointWrites = parsed.GetValue(checkpoints) ?? (parsed.GetValue(child) ? 0 : 3),
                DType = OneOf("--dtype", parsed.GetValue(dtype)!, ["float32", "float64"]),
            };
            if (settings.Batch is < 1) throw new ConfigurationException("bench: --batch must be at least 1");
            if (settings.SeqLength is < 1) throw new ConfigurationException("bench: --seq-length must be at least 1");
            var selected = SelectCases(parsed.GetValue(cases), parsed.GetValue(models), parsed.GetValue(tasks));
            var variants = OneOf("--fused", parsed.GetValue(fused)!, ["both", "true", "false"]) switch { "true" => new[] { true }, "false" => [false], _ => [true, false] };

            if (parsed.GetValue(child))
            {
                if (selected.Count != 1 || variants.Length != 1) throw new ConfigurationException("bench --child times exactly one --case with --fused true or false");
                Action? waitForTheOthers = parsed.GetValue(barrier) ? () =>
                {
                    Console.Out.WriteLine(BenchChild.ReadyLine);
                    Console.Out.Flush();
                    Console.In.ReadLine();
                } : null;
                var row = IterationBench.Measure(selected[0], settings with { Fused = variants[0] }, waitForTheOthers);
                Console.Out.WriteLine(JsonSerializer.Serialize(row));
                return (int)ExitCode.Success;
            }

            var slotCounts = ParseSlots(parsed.GetValue(slots));
            var console = BenchTable.Console(Console.Out);
            var rows = new List<BenchRow>();
            foreach (var c in selected)
                foreach (var variant in variants)
                {
                    var label = $"{c.Label} {(variant ? "fused" : "per-step")}";
                    Console.Error.WriteLine($"bench: timing {label} on {settings.Device} ({settings.BatchFor(c)} x {settings.SeqLengthFor(c)}, {settings.Warmup} + {settings.Iterations} iterations)");
                    var caseArguments = ChildArguments(c, settings with { Fused = variant });
                    if (parsed.GetValue(threads) is { } t) caseArguments.AddRange(["--threads", Text(t)]);
                    rows.Add(BenchChild.Run(caseArguments, TimeSpan.FromMinutes(60), $"bench: {label}"));
                }
            console.Write(BenchTable.Rows(rows));

            var slotRows = new List<SlotRow>();
            if (slotCounts.Count > 0)
            {
                var slotBenchCase = BenchCase.Parse(parsed.GetValue(slotCase)!);
                // The slots train what a sweep would: the fused recurrences unless only the per-step cells were asked for.
                var slotSettings = settings with { Fused = variants[0], CheckpointWrites = 0 };
                foreach (var n in slotCounts)
                {
                    // n processes share the machine's cores: each gets its share, or libtorch's threads oversubscribe them.
                    var childArguments = ChildArguments(slotBenchCase, slotSettings);
                    childArguments.AddRange(["--threads", Text(Math.Max(1, Environment.ProcessorCount / n))]);
                    Console.Error.WriteLine($"bench: {n} concurrent slot(s) of {slotBenchCase.Label} on {settings.Device}");
                    slotRows.Add(SlotThroughput.Measure(n, childArguments, slotBenchCase.Label, slotSettings.Fused, TimeSpan.FromMinutes(60)));
                }
                console.Write(BenchTable.Slots(slotRows));
            }

            if (parsed.GetValue(json) is { } file) WriteJson(file, rows, slotRows);
            return (int)ExitCode.Success;
        });
        return command;
    }

    static IReadOnlyList<BenchCase> SelectCases(string[]? cases, string[]? models, string[]? tasks)
    {
        var explicitCases = Split(cases).Select(BenchCase.Parse).ToList();
        var modelFilter = Split(models).Select(m => (string)TrainOption.Get("model").Parse(m)).ToHashSet();
        var taskFilter = Split(tasks).ToHashSet();
        foreach (var t in taskFilter)
            if (t is not ("pmnist" or "ptb"))
                throw new ConfigurationException($"bench --task: '{t}' is not one of pmnist, ptb{NearestName.Suggestion(t, ["pmnist", "ptb"])} (other shapes: --case copy:model:hidden)");
        var selected = (explicitCases.Count > 0 ? explicitCases : BenchCase.PaperDefaults.ToList())
            .Where(c => modelFilter.Count == 0 || modelFilter.Contains(c.Model))
            .Where(c => taskFilter.Count == 0 || taskFilter.Contains(c.Task))
            .Distinct()
            .ToList();
        if (selected.Count == 0)
            throw new ConfigurationException("bench: no case left after --model / --task; the default cases are " + string.Join(", ", BenchCase.PaperDefaults.Select(c => c.Label)));
        return selected;
    }

    /// <summary>System.CommandLine's own message for a value outside a list spans several lines: this one is one line.</summary>
    static string OneOf(string option, string value, string[] choices) => choices.Contains(value) ? value
        : throw new ConfigurationException($"bench {option}: '{value}' is not one of {string.Join(", ", choices)}{NearestName.Suggestion(value, choices)}");

    static IEnumerable<string> Split(string[]? values) => (values ?? [])
        .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    static IReadOnlyList<int> ParseSlots(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s =>
            int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 64 ? n
                : throw new ConfigurationException($"bench --slots: '{s}' is not a whole number from 1 to 64")).ToList();
    }

    /// <summary>The arguments of one case's process: the same settings, one case.</summary>
    static List<string> ChildArguments(BenchCase c, BenchSettings s)
    {
        var args = new List<string>
        {
            "bench", "--child", "--case", c.Label, "--device", s.Device, "--dtype", s.DType, "--fused", s.Fused ? "true" : "false",
            "--iterations", Text(s.Iterations), "--warmup", Text(s.Warmup), "--checkpoints", Text(s.CheckpointWrites),
            "--batch", Text(s.BatchFor(c)), "--seq-length", Text(s.SeqLengthFor(c)),
        };
        return args;
    }

    static void WriteJson(string file, IReadOnlyList<BenchRow> rows, IReadOnlyList<SlotRow> slotRows)
    {
        var document = new JsonObject
        {
            ["written_utc"] = DateTime.UtcNow.ToString("O"),
            ["machine"] = Environment.MachineName,
            ["processors"] = Environment.ProcessorCount,
            ["rows"] = JsonSerializer.SerializeToNode(rows),
            ["slots"] = JsonSerializer.SerializeToNode(slotRows),
        };
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        if (!Directory.Exists(folder)) throw new ConfigurationException($"bench --json {file}: folder {folder} does not exist");
        File.WriteAllText(file, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
