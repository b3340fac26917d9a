using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Book;
using AsRnnGrid.Actors.Sweep.Gpu;
using static AsRnnGrid.Actors.Sweep.Book.BookCommands;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Tests.Sweep.Book;

/// <summary>
/// A <see cref="SweepBook"/> driven as the supervisor drives it (decide, apply, settle, apply), with a clock of its own
/// and the journal it would have written: no actors, no processes, no waiting.
/// </summary>
public sealed class BookHarness
{
    public static readonly SweepPolicy Policy = new()
    {
        MaxRetries = 2, RetryBackoffSeconds = 30, QuarantineAfter = 3, HeartbeatTimeout = TimeSpan.FromMinutes(10),
    };

    public DateTime Now { get; private set; } = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
    public SweepBook Book { get; private set; }
    public IReadOnlyList<PlannedRun> Plan { get; }
    /// <summary>Every ledger event the book has decided so far, in order: what the SQLite journal would hold.</summary>
    public List<ILedgerEvent> Journal { get; } = [];

    public BookHarness(int runs = 3, SweepPolicy? policy = null, bool recover = true, IEnumerable<ILedgerEvent>? ledger = null)
        : this(Enumerable.Range(1, runs).Select(seed => TestSweeps.Run("copy", TestSweeps.TinyCopy("asrnn", seed))).ToArray(), policy, recover, ledger)
    {
    }

    public BookHarness(IReadOnlyList<PlannedRun> plan, SweepPolicy? policy = null, bool recover = true, IEnumerable<ILedgerEvent>? ledger = null)
    {
        Plan = plan;
        Book = new SweepBook(Plan, policy ?? Policy);
        foreach (var e in ledger ?? []) Replay(e);
        if (recover) Handle(new Recover());
    }

    /// <summary>A supervisor started again on the journal so far (what `run` again does): live state is gone.</summary>
    public BookHarness Restarted(SweepPolicy? policy = null, bool retryFailed = false, bool clearQuarantine = false, IReadOnlyList<PlannedRun>? plan = null)
    {
        var next = new BookHarness(plan ?? Plan, policy ?? Book.Policy, recover: false, Journal) { Now = Now + TimeSpan.FromMinutes(1) };
        next.Handle(new Recover(retryFailed, clearQuarantine));
        return next;
    }

    void Replay(ILedgerEvent e)
    {
        Book.Apply(e);
        Journal.Add(e);
    }

    public string Id(int index) => Plan[index].Id;
    public BookRun Run(int index) => Book.Find(Id(index))!;

    /// <summary>The command's events, then the settlement's, each applied before the next decision (as the supervisor does).</summary>
    public List<IBookEvent> Handle(BookCommand command)
    {
        var events = DecideAndApply(command);
        events.AddRange(DecideAndApply(Settle.Instance));
        return events;
    }

    List<IBookEvent> DecideAndApply(BookCommand command)
    {
        var events = Book.Decide(command, Now).ToList();
        foreach (var e in events)
        {
            Book.Apply(e);
            if (e is ILedgerEvent d) Journal.Add(d);
        }
        return events;
    }

    public void Advance(TimeSpan by) => Now += by;

    public List<IBookEvent> Tick() => Handle(BookCommands.Tick.Instance);

    public List<IBookEvent> Ready(int trainer, string node = "gpu-a:4053", string device = "cuda:0", int slot = 0) =>
        Handle(new FromTrainer(new TrainerId(trainer), new RequestWork(node, device, slot, "")));

    /// <summary>A GPU slot asks for work with its node's reading of its GPU and its worker's own options.</summary>
    public List<IBookEvent> ReadyOnGpu(int trainer, GpuReading gpu, GpuOptions? options = null, string node = "gpu-a:4053", string device = "cuda:0", int slot = 0) =>
        Handle(new FromTrainer(new TrainerId(trainer), new RequestWork(node, device, slot, "", gpu, options ?? GpuOptions.None)));

    /// <summary>A waiting GPU slot read its GPU again.</summary>
    public List<IBookEvent> GpuChanged(int trainer, GpuReading gpu) =>
        Handle(new FromTrainer(new TrainerId(trainer), new SweepProtocol.GpuChanged(gpu)));

    /// <summary>A reading of nvidia-smi's GPU <paramref name="index"/> with this much free memory and these other users.</summary>
    public static GpuReading Gpu(long freeMiB, int index = 0, params GpuUser[] others) =>
        new($"GPU {index}", GpuReadingState.Measured, freeMiB, 81559, others, null);

    public List<IBookEvent> Ends(int trainer, int run, RunEndOutcome outcome, string? reason = null, int? attempt = null) =>
        Handle(new FromTrainer(new TrainerId(trainer), new RunEnded(Id(run), attempt ?? Run(run).Attempt, outcome, reason,
            outcome == RunEndOutcome.Completed ? new RunSummary(60, 0.5, null, null, 1.5) : null)));

    /// <summary>The trainer's run pauses at the rung it was sent to, reporting <paramref name="value"/> of the experiment's metric there.</summary>
    public List<IBookEvent> Pauses(int trainer, int run, double? value)
    {
        var target = RungLadder.NextRung(Run(run)) ?? throw new InvalidOperationException($"{Id(run)} has no rung to pause at");
        var metric = Run(run).Group!.Ladder.Settings.Metric;
        return Handle(new FromTrainer(new TrainerId(trainer), new RunEnded(Id(run), Run(run).Attempt, RunEndOutcome.Paused, $"paused at {target}", null,
            new RungResult(target, target.Count, metric, value))));
    }

    public List<IBookEvent> Progress(int trainer, int run, long step, int? attempt = null) =>
        Handle(new FromTrainer(new TrainerId(trainer), new RunProgress(Id(run), attempt ?? Run(run).Attempt, step, 60, 0.75, null, null, 10, 2)));

    public List<IBookEvent> Lost(int trainer) => Handle(new TrainerLost(new TrainerId(trainer)));

    /// <summary>The run a trainer holds now, by its index in the plan; -1 for none.</summary>
    public int Holds(int trainer) =>
        Book.Trainer(new TrainerId(trainer))?.Run is { } id ? Plan.ToList().FindIndex(p => p.Id == id) : -1;
}
