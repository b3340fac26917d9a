using System.Diagnostics;
using AsRnnGrid.Actors.Sweep.Book;
using static AsRnnGrid.Actors.Sweep.Book.BookCommands;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Sweep.Bench;

/// <summary>
/// A whole sweep through the book, as its supervisor would drive it, with every decision timed: recovery of a fresh
/// plan, trainers asking for work, progress (one in five a checkpoint), attempts ending (96 % completed, 3 % failed,
/// 1 % stopped), late reports of old attempts (1 %), a trainer lost now and then, a tick every 500 messages. A
/// decision is what the supervisor computes for one message: the command's decision and its settlement, with the
/// events applied. The clock is simulated (2 ms a message), so backoffs and heartbeats act as they would.
/// </summary>
public sealed class DecisionBench
{
    public sealed record Result(int Runs, int Slots, double RecoverSeconds, IReadOnlyList<LatencyStats> Kinds, LatencyStats All,
        int Completed, int Failed, int Quarantined, double WallSeconds);

    public static Result Run(int runs, int slots, int seed, Action<SweepBook>? atHalfway = null)
    {
        var plan = SyntheticSweep.Plan(runs);
        var book = new SweepBook(plan, new SweepPolicy { MaxRetries = 2, RetryBackoffSeconds = 30, QuarantineAfter = 3 });
        var now = new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
        var rng = new Random(seed);
        var times = new Dictionary<string, List<long>>();
        var wall = Stopwatch.StartNew();

        long Decide(BookCommand command)
        {
            long start = Stopwatch.GetTimestamp();
            foreach (var e in book.Decide(command, now)) book.Apply(e);
            foreach (var e in book.Decide(Settle.Instance, now)) book.Apply(e);
            return Stopwatch.GetTimestamp() - start;
        }
        void Timed(string kind, BookCommand command)
        {
            var elapsed = Decide(command);
            if (!times.TryGetValue(kind, out var list)) times[kind] = list = new List<long>(1 << 16);
            list.Add(elapsed);
        }

        var recover = Stopwatch.StartNew();
        Decide(new Recover());
        double recoverSeconds = recover.Elapsed.TotalSeconds;

        var trainers = new List<TrainerId>();
        var messages = new Dictionary<TrainerId, int>();
        int nextTrainer = 0;
        TrainerId Join(int slot)
        {
            var id = new TrainerId(++nextTrainer);
            var (node, device, s) = SyntheticSweep.Slot(slot);
            Timed("request work", new FromTrainer(id, new RequestWork(node, device, s, "")));
            messages[id] = 0;
            return id;
        }
        for (int i = 0; i < slots; i++) trainers.Add(Join(i));

        bool halfway = false;
        long message = 0;
        while (book.Ended is null)
        {
            now += TimeSpan.FromMilliseconds(2);
            if (++message % 500 == 0) Timed("tick", Tick.Instance);
            if (message % 50_000 == 0)
            {
                int lost = rng.Next(trainers.Count);
                Timed("trainer lost", new TrainerLost(trainers[lost]));
                trainers[lost] = Join(lost);
            }
            var trainer = trainers[rng.Next(trainers.Count)];
            var slot = book.Trainer(trainer)!;
            if (slot.Run is not { } runId)
            {
                if (!slot.Waiting) Timed("request work", new FromTrainer(trainer, new RequestWork(slot.Address.Node, slot.Address.Device, slot.Address.Slot, "")));
                continue;
            }
            var run = book.Find(runId)!;
            int n = ++messages[trainer];
            if (rng.NextDouble() < 0.01 && run.Attempt > 1)
                Timed("late report", new FromTrainer(trainer, new RunProgress(runId, run.Attempt - 1, n, 1000, 0.5, null, null, 10, n)));
            else if (n < 12)
                Timed(n % 5 == 0 ? "checkpoint" : "progress", new FromTrainer(trainer, n % 5 == 0
                    ? new SweepProtocol.RunCheckpointed(runId, run.Attempt, n * 100)
                    : new RunProgress(runId, run.Attempt, n * 100, 1000, 1.0 / n, null, null, 10, n)));
            else
            {
                messages[trainer] = 0;
                double p = rng.NextDouble();
                var outcome = p < 0.96 ? RunEndOutcome.Completed : p < 0.99 ? RunEndOutcome.Failed : RunEndOutcome.Stopped;
                Timed("attempt ended", new FromTrainer(trainer, new RunEnded(runId, run.Attempt, outcome, outcome == RunEndOutcome.Completed ? null : "injected",
                    outcome == RunEndOutcome.Completed ? new RunSummary(1200, 0.1, null, null, 12) : null)));
            }
            if (!halfway && book.Count(RunState.Completed) >= runs / 2)
            {
                halfway = true;
                wall.Stop();
                atHalfway?.Invoke(book);
                wall.Start();
            }
        }
        wall.Stop();
        var all = times.Values.SelectMany(t => t).ToList();
        return new Result(runs, slots, recoverSeconds,
            times.Select(kv => LatencyStats.Of(kv.Key, kv.Value)).OrderByDescending(s => s.Count).ToArray(),
            LatencyStats.Of("every decision", all),
            book.Count(RunState.Completed), book.Count(RunState.Failed), book.Quarantines.Count(), wall.Elapsed.TotalSeconds);
    }
}
