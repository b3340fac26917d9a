using System.Globalization;
using AsRnnGrid.Training.Bench;
using Spectre.Console;

namespace AsRnnGrid.Actors.Cli;

/// <summary>The bench's tables for a person: one row per timed case, then the sweep-throughput rows.</summary>
public static class BenchTable
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A console on <paramref name="output"/>, wide enough for the table when the output is redirected.</summary>
    public static IAnsiConsole Console(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        if (console.Profile.Width < 160) console.Profile.Width = 160;
        return console;
    }

    public static Table Rows(IReadOnlyList<BenchRow> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("model").NoWrap());
        table.AddColumn(new TableColumn("recurrence").NoWrap());
        foreach (var name in new[] { "hidden", "B x T", "parameters", "ms/iteration", "iterations/s", "peak memory MiB", "checkpoint ms", "checkpoint MiB", "checkpoint share" })
            table.AddColumn(new TableColumn(name).RightAligned());
        foreach (var r in rows)
            table.AddRow(
                Markup.Escape(r.Model == "lstm" ? $"{r.Task} lstm" : $"{r.Task} {r.Model} ({r.Nonlinear})"),
                r.Fused ? "fused" : "per-step",
                r.Hidden.ToString(Invariant),
                $"{r.Batch} x {r.SeqLength}",
                r.Parameters.ToString("N0", Invariant),
                r.MsPerIteration.ToString("0.00", Invariant),
                r.IterationsPerSecond.ToString("0.00", Invariant),
                r.PeakMemoryMb is { } mb ? mb.ToString("0", Invariant) : "n/a",
                r.CheckpointMs.ToString("0.0", Invariant),
                (r.CheckpointBytes / 1048576.0).ToString("0.00", Invariant),
                (r.CheckpointShare * 100).ToString("0.000", Invariant) + "%");
        if (rows.Count > 0)
            table.Caption(Markup.Escape(
                $"{rows[0].Device}, {rows[0].DType}; median of {rows[0].Iterations} iterations after {rows[0].Warmup} warm-up; " +
                $"memory: {rows[0].MemoryKind}; checkpoint share = checkpoint ms / ({rows[0].CheckpointEvery} x ms/iteration), checkpoint_every's default"));
        return table;
    }

    public static Table Slots(IReadOnlyList<SlotRow> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("case").NoWrap());
        foreach (var name in new[] { "slots", "iterations/s per slot", "aggregate iterations/s", "vs 1 slot" })
            table.AddColumn(new TableColumn(name).RightAligned());
        double? one = rows.FirstOrDefault(r => r.Slots == 1)?.AggregateIterationsPerSecond;
        foreach (var r in rows)
            table.AddRow(
                Markup.Escape(r.Case + (r.Fused ? " fused" : " per-step")),
                r.Slots.ToString(Invariant),
                string.Join(" + ", r.PerSlot.Select(x => x.ToString("0.00", Invariant))),
                r.AggregateIterationsPerSecond.ToString("0.00", Invariant),
                one is { } o && o > 0 ? (r.AggregateIterationsPerSecond / o).ToString("0.00", Invariant) + "x" : "");
        table.Caption("sweep throughput: concurrent processes on the same device, timing together after their warm-up; aggregate = every timed iteration / (last end - first start)");
        return table;
    }
}
