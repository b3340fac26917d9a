using System.Text.Json.Nodes;

namespace AsRnnGrid.Actors.Tests;

public class BenchCommandTests
{
    static readonly string[] Tiny = ["bench", "--batch", "4", "--seq-length", "25", "--iterations", "2", "--warmup", "1"];

    static string NewFile() => Path.Combine(Directory.CreateTempSubdirectory("asrnn-bench-").FullName, "bench.json");

    [Fact]
    public void Bench_prints_a_row_per_case_and_writes_parseable_json()
    {
        var file = NewFile();
        var (exit, stdout, err) = CliProcess.Run([.. Tiny, "--case", "pmnist:asrnn:8,ptb:lstm:8", "--case", "copy:exprnn:8", "--checkpoints", "2", "--json", file]);
        Assert.True(exit == 0, err);
        foreach (var text in new[] { "pmnist asrnn (asrnn)", "ptb lstm", "copy exprnn (modrelu)", "ms/iteration", "checkpoint share" })
            Assert.Contains(text, stdout);

        Assert.Contains("fused", stdout);
        Assert.Contains("per-step", stdout);
        var rows = JsonNode.Parse(File.ReadAllText(file))!["rows"]!.AsArray();
        // Fused and per-step side by side by default.
        Assert.Equal(["pmnist:asrnn:8", "pmnist:asrnn:8", "ptb:lstm:8", "ptb:lstm:8", "copy:exprnn:8", "copy:exprnn:8"], rows.Select(r => (string)r!["case"]!));
        Assert.Equal([true, false, true, false, true, false], rows.Select(r => (bool)r!["fused"]!));
        foreach (var row in rows)
        {
            foreach (var key in new[] { "ms_per_iteration", "iterations_per_second", "checkpoint_ms", "checkpoint_share" })
            {
                double value = (double)row![key]!;
                Assert.True(double.IsFinite(value) && value > 0, $"{row["case"]}: {key} = {value}");
            }
            Assert.True((long)row!["checkpoint_bytes"]! > 1000);
            Assert.True((long)row["parameters"]! > 0);
            Assert.Equal(4, (int)row["batch"]!);
            Assert.Equal(25, (int)row["seq_length"]!);
            Assert.Equal(1000, (int)row["checkpoint_every"]!);
            Assert.Equal((double)row["checkpoint_ms"]! / (1000 * (double)row["ms_per_iteration"]!), (double)row["checkpoint_share"]!, 9);
        }
    }

    [Fact]
    public void Slots_run_concurrent_child_processes_that_time_their_iterations_together()
    {
        var file = NewFile();
        // 30 timed iterations: each slot's window (~0.1 s) is long against the barrier's release, short against start-up.
        var (exit, stdout, err) = CliProcess.Run(["bench", "--batch", "4", "--seq-length", "25", "--iterations", "30", "--warmup", "1",
            "--case", "copy:rnn:4", "--checkpoints", "1", "--slots", "1,2", "--slot-case", "pmnist:exprnn:4", "--json", file]);
        Assert.True(exit == 0, err);
        Assert.Contains("aggregate iterations/s", stdout);
        var slots = JsonNode.Parse(File.ReadAllText(file))!["slots"]!.AsArray();
        Assert.Equal([1, 2], slots.Select(s => (int)s!["slots"]!));
        Assert.All(slots, s => Assert.True((bool)s!["fused"]!));
        foreach (var s in slots)
        {
            var rates = s!["per_slot_iterations_per_second"]!.AsArray().Select(r => (double)r!).ToArray();
            Assert.Equal((int)s["slots"]!, rates.Length);
            Assert.All(rates, r => Assert.True(double.IsFinite(r) && r > 0));
            // The aggregate: every timed iteration over the window from the first start to the last end.
            var windows = s["per_slot_windows"]!.AsArray().Select(w => (Start: (double)w![0]!, End: (double)w[1]!)).ToArray();
            double window = (double)s["window_s"]!;
            Assert.Equal(windows.Max(w => w.End) - windows.Min(w => w.Start), window, 6);
            Assert.Equal(rates.Length * 30 / window, (double)s["aggregate_iterations_per_second"]!, 6);
            // The barrier: every slot was timing while every other one was.
            Assert.True(windows.Max(w => w.Start) < windows.Min(w => w.End),
                "the slots' timed windows do not overlap: " + string.Join(", ", windows.Select(w => $"[{w.Start:F3}, {w.End:F3}]")));
        }
    }

    [Fact]
    public void Child_mode_prints_one_json_row()
    {
        var (exit, stdout, err) = CliProcess.Run([.. Tiny, "--child", "--case", "ptb:asrnn:6", "--fused", "false"]);
        Assert.True(exit == 0, err);
        var row = JsonNode.Parse(Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)))!;
        Assert.Equal("ptb:asrnn:6", (string)row["case"]!);
        Assert.False((bool)row["fused"]!);
        Assert.True((double)row["sustained_iterations_per_second"]! > 0);
        Assert.Equal(0, (long)row["checkpoint_bytes"]!);
    }

    [Theory]
    [InlineData("--case", "pmnist:lstn:8", "model: 'lstn' is not one of")]
    [InlineData("--case", "mnist:lstm:8", "task 'mnist' is not one of pmnist, ptb, copy")]
    [InlineData("--case", "pmnist:lstm", "expected task:model:hidden")]
    [InlineData("--slots", "1,x", "bench --slots: 'x' is not a whole number")]
    [InlineData("--device", "gpu", "device: 'gpu' is not auto, cpu, cuda or cuda:N")]
    [InlineData("--fused", "maybe", "bench --fused: 'maybe' is not one of both, true, false")]
    [InlineData("--threads", "0", "bench --threads must be at least 1")]
    [InlineData("--checkpoints", "-1", "bench: --checkpoints must not be negative")] // found by the case's child process
    [InlineData("--dtype", "float16", "bench --dtype: 'float16' is not one of float32, float64")]
    public void Bad_bench_options_get_one_line_and_exit_code_2(string option, string value, string expected)
    {
        var (exit, _, err) = CliProcess.Run([.. Tiny, option, value]);
        Assert.Equal(2, exit);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => !l.StartsWith("bench: timing"));
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
    }
}
