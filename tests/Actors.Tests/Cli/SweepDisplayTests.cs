using AsRnnGrid.Actors.Cli;
using AsRnnGrid.Actors.Sweep;
using Spectre.Console.Testing;

namespace AsRnnGrid.Actors.Tests.Cli;

/// <summary>The header above the table and the table's folding, rendered on Spectre's test console.</summary>
public class SweepDisplayTests
{
    static RunStatus Run(string experiment, int n, RunState state, long step = 0, long total = 100, double? rate = null) => new()
    {
        Id = $"{experiment}-{n:00000000}", Experiment = experiment, Label = $"asrnn seed={n}", Task = "copy", Model = "asrnn", State = state,
        Step = step, TotalSteps = total, IterationsPerSecond = rate, Reason = state == RunState.Failed ? "loss became NaN" : null, Folder = "runs/x",
    };

    /// <summary>Per experiment: 20 completed, 2 running, 5 pending; "a" also a failed and a retrying run.</summary>
    static List<RunStatus> Sweep()
    {
        var runs = new List<RunStatus>();
        foreach (var e in new[] { "a", "b" })
        {
            int n = 0;
            for (int i = 0; i < 20; i++) runs.Add(Run(e, n++, RunState.Completed, 100));
            runs.Add(Run(e, n++, RunState.Running, 40, rate: 10));
            runs.Add(Run(e, n++, RunState.Running, 60, rate: 10));
            for (int i = 0; i < 5; i++) runs.Add(Run(e, n++, RunState.Pending));
            if (e == "a")
            {
                runs.Add(Run(e, n++, RunState.Failed, 10));
                runs.Add(Run(e, n++, RunState.Retrying, 5));
            }
        }
        return runs;
    }

    static string Render(Spectre.Console.Rendering.IRenderable what)
    {
        var console = new TestConsole().Width(200);
        console.Write(what);
        return console.Output;
    }

    [Fact]
    public void Every_run_has_its_row_while_they_fit()
    {
        var runs = Sweep();
        var text = Render(SweepDisplay.RunsTable(runs, new TestConsole(), maxRows: runs.Count));
        Assert.All(runs, r => Assert.Contains(r.Id, text));
        Assert.Contains("asrnn seed=3", text);
    }

    [Fact]
    public void Completed_runs_fold_into_a_line_per_experiment_and_running_and_failed_ones_stay()
    {
        var runs = Sweep();
        // 56 runs; folding the completed ones leaves 16 + 2 lines.
        var text = Render(SweepDisplay.RunsTable(runs, new TestConsole(), maxRows: 20));
        Assert.Equal(2, text.Split('\n').Count(l => l.Contains("20 runs") && l.Contains("completed")));
        Assert.DoesNotContain(runs, r => r.State == RunState.Completed && text.Contains(r.Id));
        Assert.All(runs.Where(r => r.State != RunState.Completed), r => Assert.Contains(r.Id, text));
    }

    [Fact]
    public void Pending_runs_fold_too_where_the_completed_ones_are_not_enough()
    {
        var runs = Sweep();
        var text = Render(SweepDisplay.RunsTable(runs, new TestConsole(), maxRows: 10));
        Assert.Equal(2, text.Split('\n').Count(l => l.Contains("5 runs") && l.Contains("pending")));
        Assert.All(runs.Where(r => r.State is RunState.Running or RunState.Failed or RunState.Retrying), r => Assert.Contains(r.Id, text));
        Assert.DoesNotContain(runs, r => r.State == RunState.Pending && text.Contains(r.Id));
        Assert.Contains("loss became NaN", text);
    }

    [Fact]
    public void The_header_counts_runs_and_shows_iterations_rate_and_time_left_with_a_progress_bar()
    {
        var progress = SweepProgress.Of(Sweep(), [new DeviceStatus { Node = "n", Device = "cpu/0", State = DeviceState.Busy }]);
        var text = Render(SweepDisplay.Header(progress));
        var lines = text.Split('\n');
        Assert.Contains("runs: completed 40  running 4  pending 10  failed 1  retrying 1", lines[0]);
        Assert.Contains($"{progress.IterationsDone:N0} / {progress.IterationsPlanned:N0} iterations", lines[1]);
        Assert.Contains("40 it/s", lines[1]);
        Assert.Contains($"{SweepDisplay.Duration(progress.SecondsLeft!.Value)} left", lines[1]);
        Assert.Contains($"{100.0 * progress.IterationsDone / progress.IterationsPlanned:0}%", lines[1]);
        Assert.Contains("━", lines[1]);
    }

    [Fact]
    public void Watch_redraws_until_the_sweep_is_no_longer_running()
    {
        var console = new TestConsole().Width(200).Interactive();
        var runs = Sweep();
        SweepStatus Status(SweepState state, int completed) => new()
        {
            SweepFile = "s.yaml", Updated = DateTimeOffset.Now, State = state,
            Runs = runs.Select((r, i) => i < completed ? r with { State = RunState.Completed } : r).ToList(),
        };
        var reads = new Queue<SweepStatus?>([Status(SweepState.Running, 30), null, Status(SweepState.Finished, runs.Count)]);
        int asked = 0;
        StatusCommand.Watch(console, () => { asked++; return reads.Dequeue(); }, Status(SweepState.Running, 20), TimeSpan.FromMilliseconds(10), CancellationToken.None);
        Assert.Equal(3, asked);
        Assert.Contains("sweep finished: 56 completed", console.Output);
    }
}
