using System.Globalization;
using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Book;
using AsRnnGrid.Training.Loop;
using static AsRnnGrid.Actors.Sweep.Book.LiveEvents;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Tests.Sweep.Book;

/// <summary>
/// Early stopping in the book (asynchronous successive halving): runs pause at rungs, the best configurations of each rung
/// are promoted before new ones start, the others stop early once their rung has every result; every decision is in the
/// journal, so a supervisor restarted anywhere decides the same.
/// </summary>
public sealed class AshaTests
{
    /// <summary>Configurations c = 0.. (rmsprop_lr 0.001 (c + 1)) × seeds 1..; 90 iterations: rungs at 10 and 30 with reduction 3.</summary>
    static IReadOnlyList<PlannedRun> Grid(int configs, int seeds, string experiment = "copy")
    {
        var runs = Enumerable.Range(0, configs).SelectMany(c => Enumerable.Range(1, seeds).Select(s => TestSweeps.Run(experiment,
            TestSweeps.TinyCopy("asrnn", s, 90).Select(kv => kv.Key == "rmsprop_lr" ? new KeyValuePair<string, string>(kv.Key, (0.001 * (c + 1)).ToString("R", CultureInfo.InvariantCulture)) : kv).ToArray())))
            .ToList();
        // Labelled as a sweep file's runs are: by what varies.
        var labels = RunLabels.FromConfigs(runs.Select(r => (r.Id, r.Config)).ToList());
        return runs.Select((r, i) => r with { Label = labels[i] }).ToArray();
    }

    static EarlyStopping Asha(int reduction = 3, SeedGrouping seeds = SeedGrouping.Mean) =>
        new(PointMetric.Loss, MetricMode.Min, new TrainingPoint(10, TrainingUnit.Iterations), reduction, seeds);

    static SweepPolicy Policy(EarlyStopping? asha = null, int maxRetries = 2) => BookHarness.Policy with
    {
        MaxRetries = maxRetries,
        EarlyStopping = new Dictionary<string, EarlyStopping> { ["copy"] = asha ?? Asha() },
    };

    /// <summary>The loss of configuration <c>i / seeds</c> at a rung: lower for higher c, except that configuration 6 blooms late (the best from 30 on).</summary>
    static Func<int, long, double> Losses(int seeds) => (index, rung) =>
    {
        int c = index / seeds, s = index % seeds;
        return rung >= 30 && c == 6 ? 0.01 + 0.001 * s : 1.0 / (c + 1) + rung * 0.0001 + 0.001 * s;
    };

    /// <summary>
    /// The sweep as trainers 1..<paramref name="trainers"/> would run it: the lowest-numbered trainer holding a run ends it (it
    /// pauses at its rung with <paramref name="loss"/>, or completes) and asks again, until the sweep ends or
    /// <paramref name="commands"/> reports have been made. Returns the reports made.
    /// </summary>
    static int Drive(BookHarness h, int trainers, Func<int, long, double> loss, int commands = int.MaxValue, bool join = true)
    {
        if (join)
            for (int t = 1; t <= trainers; t++) h.Ready(t, slot: t - 1);
        int made = 0;
        while (h.Book.Ended is null && made < commands)
        {
            int trainer = Enumerable.Range(1, trainers).FirstOrDefault(t => h.Holds(t) >= 0);
            if (trainer == 0) throw new InvalidOperationException("no trainer holds a run and the sweep has not ended");
            int run = h.Holds(trainer);
            if (RungLadder.NextRung(h.Run(run)) is { } rung) h.Pauses(trainer, run, loss(run, rung.Count));
            else h.Ends(trainer, run, RunEndOutcome.Completed);
            made++;
            if (h.Book.Ended is null) h.Ready(trainer, slot: trainer - 1);
        }
        return made;
    }

    /// <summary>The journal's early-stopping decisions and completions, in order, as text.</summary>
    static List<string> Decisions(BookHarness h) => h.Journal.Select(e => e switch
    {
        RungReached r => $"{r.RunId} reached {r.Rung}: {r.Value}",
        RunPromoted p => $"{p.RunId} promoted from {p.Rung}",
        RunStoppedEarly s => $"{s.RunId} stopped at {s.Rung}",
        RunCompleted c => $"{c.RunId} completed",
        _ => null,
    }).OfType<string>().ToList();

    static List<int> HandedOut(IEnumerable<IBookEvent> events, BookHarness h) =>
        events.OfType<RunHandedOut>().Select(e => h.Plan.ToList().FindIndex(p => p.Id == e.RunId)).ToList();

    [Fact]
    public void Seeds_of_a_configuration_run_together_and_a_promotion_goes_before_new_configurations()
    {
        var h = new BookHarness(Grid(6, 2), Policy());
        var loss = Losses(2);
        var order = new List<int>();
        order.AddRange(HandedOut(h.Ready(1), h));
        var first = h.Book.Find(h.Id(0))!;
        Assert.Equal(new TrainingPoint(10, TrainingUnit.Iterations), RungLadder.NextRung(first));
        for (int i = 0; i < 8; i++)
        {
            int run = h.Holds(1);
            var paused = h.Pauses(1, run, loss(run, RungLadder.NextRung(h.Run(run))!.Value.Count));
            Assert.Equal(RunState.Paused, h.Run(run).State);
            Assert.Single(paused.OfType<RungReached>());
            order.AddRange(HandedOut(h.Ready(1), h));
        }
        // Configurations 0, 1 and 2 reach rung 10 seed by seed; three results rank the best 1 of 3 (configuration 2) on before configuration 3 starts.
        Assert.Equal([0, 1, 2, 3, 4, 5, 4, 5, 6], order);
        var promoted = h.Journal.OfType<RunPromoted>().ToList();
        Assert.Equal([h.Id(4), h.Id(5)], promoted.Select(p => p.RunId));
        Assert.Equal("ranked 1 of 3 at 10 iterations (loss 0.3348): among the best 1", promoted[0].Reason);
        var handedOut = h.Journal.OfType<RunStarted>().Last(s => s.RunId == h.Id(4));
        Assert.Equal(2, handedOut.Attempt);
        Assert.Equal((RunState.Paused, 30L), (h.Run(4).State, h.Run(4).LastRung!.Value));
        Assert.Null(RungLadder.NextRung(h.Run(4)));
    }

    [Fact]
    public void At_the_end_the_best_configurations_ran_to_their_end_and_the_others_stopped_early()
    {
        var h = new BookHarness(Grid(9, 2), Policy());
        Drive(h, trainers: 2, Losses(2));
        var end = h.Book.Ended!;
        Assert.Equal(SweepEnd.Finished, end.State);
        Assert.Equal((0, end.Completed + end.StoppedEarly, 0), (end.Failed, 18, end.NotDone));
        Assert.Equal(SweepState.Finished, StatusSnapshot.Of(h.Book, "x.yaml", DateTimeOffset.UnixEpoch).State);
        // Configuration 6 blooms late: third at 10, it is the best at 30 and reaches the end.
        var completed = h.Book.Plan.Where(r => r.State == RunState.Completed).Select(r => r.PlanIndex).ToList();
        Assert.Contains(12, completed);
        Assert.Contains(13, completed);
        Assert.All(h.Book.Plan.Where(r => r.State != RunState.Completed), r => Assert.Equal(RunState.StoppedEarly, r.State));
        // Nothing trained past a rung unless promoted from it; every stopped run stays at its rung.
        foreach (var run in h.Book.Plan)
        {
            Assert.All(run.RungResults.SkipLast(1), x => Assert.Contains(x.Rung, run.PromotedFrom));
            if (run.State == RunState.StoppedEarly) Assert.DoesNotContain(run.LastRung!.Value, run.PromotedFrom);
        }
        var stopped = h.Journal.OfType<RunStoppedEarly>().First();
        Assert.Matches(@"^ranked \d of \d at (10|30) iterations \(loss [0-9.]+\); the best \d went on$", stopped.Reason);
        Assert.Equal($"sweep finished: {end.Completed} completed, 0 failed, {end.StoppedEarly} stopped early, {end.Retried} retried, 0 not done",
            SweepNotices.For(end, h.Book));
    }

    [Fact]
    public void The_status_shows_each_runs_rung_and_the_rung_table()
    {
        var h = new BookHarness(Grid(3, 2), Policy());
        Drive(h, trainers: 1, Losses(2), commands: 6);
        var status = StatusSnapshot.Of(h.Book, "x.yaml", DateTimeOffset.UnixEpoch);
        var table = Assert.Single(status.RungTables!);
        Assert.Equal(("copy", "loss", "min", 3, "mean", "iterations"), (table.Experiment, table.Metric, table.Mode, table.Reduction, table.Seeds, table.Unit));
        Assert.Equal([10L, 30L], table.Rungs);
        Assert.Equal(["asrnn lr=0.001", "asrnn lr=0.002", "asrnn lr=0.003"], table.Configurations.Select(c => c.Label));
        Assert.Equal([h.Id(0), h.Id(1)], table.Configurations[0].Runs);
        // Configuration 2 (the best at 10) was promoted and its runs are on their way to 30; the rung is complete, so 0 and 1 stopped.
        Assert.Equal(1.0 + 0.001 + 0.0005, table.Configurations[0].Values[0]!.Value, 12);
        Assert.Null(table.Configurations[0].Values[1]);
        Assert.Equal([10L], table.Configurations[2].Promoted);
        Assert.Equal((10L, "stopped early"), (table.Configurations[0].StoppedAt!.Value, table.Configurations[0].State));
        Assert.Equal("1 pending, 1 running", table.Configurations[2].State);
        var run = status.Runs[4];
        Assert.Equal((2, 30L), (run.RungCount!.Value, run.NextRung!.Value));
        Assert.Equal((10L, 10L, "loss"), (run.Rungs![0].Rung, run.Rungs[0].Step, run.Rungs[0].Metric));
        Assert.Equal("promoted: ranked 1 of 3 at 10 iterations (loss 0.3348): among the best 1", status.Runs[5].Reason);
        Assert.Equal("paused: at 10 iterations", status.Runs[0].Attempts[0].Outcome);
    }

    [Fact]
    public void A_configuration_whose_seed_failed_is_stopped_where_its_other_seeds_wait_and_ranks_no_more()
    {
        var h = new BookHarness(Grid(3, 2), Policy(maxRetries: 0));
        var loss = Losses(2);
        h.Ready(1);
        // Configuration 2, the best, loses its second seed on the way to rung 10.
        for (int i = 0; i < 6; i++)
        {
            int run = h.Holds(1);
            if (run == 5) h.Ends(1, 5, RunEndOutcome.Failed, "loss became NaN at step 7");
            else h.Pauses(1, run, loss(run, 10));
            if (h.Book.Ended is null) h.Ready(1);
        }
        Assert.Equal(RunState.Failed, h.Run(5).State);
        var stopped = h.Journal.OfType<RunStoppedEarly>().Single(s => s.RunId == h.Id(4));
        Assert.Equal($"{h.Id(5)} of its configuration failed", stopped.Reason);
        // Of the two left, configuration 1 ranks first (n = 2: the best 1 goes on once the rung is complete).
        Assert.Equal([h.Id(2), h.Id(3)], h.Journal.OfType<RunPromoted>().Select(p => p.RunId));
        Assert.Equal([RunState.StoppedEarly, RunState.StoppedEarly], new[] { h.Run(0).State, h.Run(1).State });
    }

    [Fact]
    public void Seeds_each_ranks_every_run_alone()
    {
        var h = new BookHarness(Grid(2, 3), Policy(Asha(seeds: SeedGrouping.Each)));
        var table = Assert.Single(StatusSnapshot.Of(h.Book, "x.yaml", DateTimeOffset.UnixEpoch).RungTables!);
        Assert.Equal(6, table.Configurations.Count);
        Assert.Equal("asrnn lr=0.001 seed=2", table.Configurations[1].Label);
        // Each run is a configuration of its own: the first three results rank the best 1 of 3 on at once.
        h.Ready(1);
        var loss = Losses(3);
        var order = new List<int> { h.Holds(1) };
        for (int i = 0; i < 3; i++)
        {
            h.Pauses(1, h.Holds(1), loss(h.Holds(1), 10));
            order.AddRange(HandedOut(h.Ready(1), h));
        }
        Assert.Equal([0, 1, 2, 0], order);
    }

    [Fact]
    public void A_supervisor_restarted_between_any_two_reports_makes_the_same_rung_decisions_as_one_that_never_stopped()
    {
        var plan = Grid(9, 2);
        var straight = new BookHarness(plan, Policy());
        int reports = Drive(straight, trainers: 1, Losses(2));
        var expected = Decisions(straight);
        Assert.Contains(expected, d => d.Contains("promoted from 30"));
        for (int cut = 1; cut < reports; cut++)
        {
            var h = new BookHarness(plan, Policy());
            Drive(h, trainers: 1, Losses(2), commands: cut);
            var again = h.Restarted();
            // The attempt the dead supervisor left running is interrupted; the same trainer asks again.
            Drive(again, trainers: 1, Losses(2));
            Assert.Equal(SweepEnd.Finished, again.Book.Ended!.State);
            Assert.True(expected.SequenceEqual(Decisions(again)), $"restarted after report {cut}: {string.Join("; ", Decisions(again).Except(expected))}");
        }
    }

    [Fact]
    public void A_restart_from_a_snapshot_of_the_book_holds_the_same_rungs_and_decides_the_same()
    {
        var plan = Grid(6, 2);
        var straight = new BookHarness(plan, Policy());
        Drive(straight, trainers: 1, Losses(2));

        var h = new BookHarness(plan, Policy());
        Drive(h, trainers: 1, Losses(2), commands: 9);
        var json = System.Text.Json.JsonSerializer.Serialize(h.Book.Snapshot(), SweepSerializer.Json);
        var snapshot = System.Text.Json.JsonSerializer.Deserialize<BookSnapshot>(json, SweepSerializer.Json)!;
        Assert.NotEmpty(snapshot.Rungs);
        var restored = SweepBook.FromSnapshot(plan, Policy(), snapshot);
        var replayed = new BookHarness(plan, Policy(), recover: false, h.Journal).Book;
        string Status(SweepBook b) => System.Text.Json.JsonSerializer.Serialize(StatusSnapshot.Of(b, "x.yaml", DateTimeOffset.UnixEpoch), SweepStatus.Json);
        Assert.Equal(Status(replayed), Status(restored));
    }

    [Fact]
    public void No_early_stop_sends_the_paused_and_stopped_runs_on_from_their_rungs_to_their_end()
    {
        var plan = Grid(6, 2);
        var h = new BookHarness(plan, Policy());
        Drive(h, trainers: 1, Losses(2));
        var stopped = h.Book.Plan.Where(r => r.State == RunState.StoppedEarly).Select(r => r.Id).ToHashSet();
        Assert.NotEmpty(stopped);

        var again = h.Restarted(Policy() with { EarlyStopping = new Dictionary<string, EarlyStopping>(), NoEarlyStop = true });
        Assert.Equal(stopped, again.Journal.OfType<RunSentOn>().Select(o => o.RunId).ToHashSet());
        Assert.All(again.Journal.OfType<RunSentOn>(), o => Assert.Equal("run --no-early-stop", o.Reason));
        var handed = again.Ready(1);
        Assert.Null(Assert.Single(handed.OfType<RunHandedOut>()).Pause);
        Drive(again, trainers: 1, Losses(2), join: false);
        Assert.Equal(SweepEnd.Finished, again.Book.Ended!.State);
        Assert.All(again.Book.Plan, r => Assert.Equal(RunState.Completed, r.State));
        // Each went on from its rung's checkpoint: one more attempt, after the one that paused.
        Assert.All(again.Book.Plan.Where(r => stopped.Contains(r.Id)), r => Assert.Equal(AttemptOutcome.Paused, r.Attempts[^2].Outcome));
    }

    [Fact]
    public void An_edited_scheduler_is_followed_at_the_next_start()
    {
        var plan = Grid(6, 2);
        var h = new BookHarness(plan, Policy());
        Drive(h, trainers: 1, Losses(2));
        int completedBefore = h.Book.Count(RunState.Completed);

        // Reduction 3 -> 2: more of each rung goes on; runs stopped early that now rank among the best are promoted.
        var halved = h.Restarted(Policy(Asha(reduction: 2)));
        Drive(halved, trainers: 1, Losses(2));
        Assert.Equal(SweepEnd.Finished, halved.Book.Ended!.State);
        Assert.True(halved.Book.Count(RunState.Completed) > completedBefore);
        Assert.Contains(halved.Journal.Skip(h.Journal.Count), e => e is RunPromoted);

        // The first rung moved to 20: runs waiting at 10 are no longer at a rung and go on to the next one, 20.
        var moved = h.Restarted(Policy(Asha() with { FirstRung = new TrainingPoint(20, TrainingUnit.Iterations) }));
        var sentOn = moved.Journal.Skip(h.Journal.Count).OfType<RunSentOn>().ToList();
        Assert.NotEmpty(sentOn);
        Assert.All(sentOn, o => Assert.Matches("^(10|30) iterations is no longer a rung of experiment copy$", o.Reason));
        Assert.Equal("10 iterations is no longer a rung of experiment copy", sentOn[0].Reason);
        Assert.Equal(new TrainingPoint(20, TrainingUnit.Iterations), RungLadder.NextRung(moved.Book.Find(sentOn[0].RunId)!));

        // No scheduler any more: every waiting run goes on to its end.
        var none = h.Restarted(BookHarness.Policy);
        Assert.All(none.Journal.Skip(h.Journal.Count).OfType<RunSentOn>(), o => Assert.Equal("experiment copy no longer stops early", o.Reason));
        Assert.Equal(0, none.Book.Count(RunState.StoppedEarly) + none.Book.Count(RunState.Paused));
    }

    [Fact]
    public void A_run_lost_on_its_way_to_a_rung_goes_back_to_it_first_with_the_same_rung()
    {
        var h = new BookHarness(Grid(3, 1), Policy());
        h.Ready(1);
        h.Ready(2, slot: 1);
        h.Pauses(1, 0, 0.5);
        h.Lost(2);
        Assert.Equal(RunState.Pending, h.Run(1).State);
        // Run 1 had begun: it goes before run 2, which never started, and towards the same rung.
        var next = h.Ready(1);
        var handed = Assert.Single(next.OfType<RunHandedOut>());
        Assert.Equal((h.Id(1), new TrainingPoint(10, TrainingUnit.Iterations)), (handed.RunId, handed.Pause!.At));
    }

    [Fact]
    public void An_experiment_without_early_stopping_in_the_same_sweep_dispatches_as_before()
    {
        var plan = Grid(2, 1, "plain").Concat(Grid(3, 1)).ToArray();
        var h = new BookHarness(plan, Policy());
        h.Ready(1);
        h.Ready(2, slot: 1);
        Assert.Equal([0, 1], new[] { h.Holds(1), h.Holds(2) });
        Assert.Null(RungLadder.NextRung(h.Run(0)));
        Assert.Empty(h.Book.Plan.Take(2).Where(r => r.Group is not null));
        h.Ends(1, 0, RunEndOutcome.Completed);
        Assert.Equal(2, HandedOut(h.Ready(1), h).Single());
        Assert.Equal(new TrainingPoint(10, TrainingUnit.Iterations), RungLadder.NextRung(h.Run(2)));
    }
}
