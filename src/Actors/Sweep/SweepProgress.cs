using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// The whole sweep at a glance, as the header above the table shows it and sweep-status.json holds it: runs by state,
/// iterations done of all planned, the aggregate rate and the time left. Tallied in the same pass that builds the runs'
/// rows (<see cref="Tally"/>), never in a pass of its own.
/// </summary>
public sealed record SweepProgress
{
    /// <summary>Every state's count of runs, zero ones included.</summary>
    [JsonPropertyName("runs_by_state")] public required IReadOnlyDictionary<RunState, int> RunsByState { get; init; }
    /// <summary>The steps done by every run (a finished run's steps are its total).</summary>
    [JsonPropertyName("iterations_done")] public long IterationsDone { get; init; }
    /// <summary>
    /// The steps of every run that still trains or waits, plus those done by the finished ones (a failed run plans no more
    /// than it reached). An epoch task's run tells its total when it starts; until then it counts as its experiment's
    /// known runs do on average, or, where none is known, not at all (<see cref="RunsWithoutTotal"/>).
    /// </summary>
    [JsonPropertyName("iterations_planned")] public long IterationsPlanned { get; init; }
    /// <summary>Runs whose total is not known and could not be estimated: the plan and the time left leave them out.</summary>
    [JsonPropertyName("runs_without_total")] public int RunsWithoutTotal { get; init; }
    /// <summary>The sum of the running runs' latest rates.</summary>
    [JsonPropertyName("iterations_per_second")] public double IterationsPerSecond { get; init; }
    /// <summary>
    /// The iterations left over the slots' rates: each working slot at its run's measured rate, each free slot at their mean
    /// (while runs wait for it), and never less than the running run furthest from its end needs alone. Null before any rate is measured.
    /// </summary>
    [JsonPropertyName("seconds_left")] public double? SecondsLeft { get; init; }

    public int Count(RunState state) => RunsByState.GetValueOrDefault(state);

    /// <summary>The tally of one pass over the runs.</summary>
    public sealed class Tally
    {
        static readonly RunState[] States = Enum.GetValues<RunState>();
        readonly int[] _states = new int[States.Max(s => (int)s) + 1];
        readonly Dictionary<string, (long Sum, int Known, int Unknown)> _totals = new(StringComparer.Ordinal);
        long _done, _planned;
        int _waiting, _rated;
        double _rate, _longest;

        public void Add(RunStatus run)
        {
            _states[(int)run.State]++;
            _done += run.Step;
            // One lookup a run: the experiment's entry is updated in place.
            ref var totals = ref CollectionsMarshal.GetValueRefOrAddDefault(_totals, run.Experiment, out _);
            if (run.TotalSteps is { } total) (totals.Sum, totals.Known) = (totals.Sum + total, totals.Known + 1);
            if (run.State is RunState.Pending or RunState.Retrying or RunState.Running)
            {
                if (run.TotalSteps is { } t) _planned += Math.Max(t, run.Step);
                else totals.Unknown++;
                if (run.State != RunState.Running) _waiting++;
            }
            else _planned += run.Step;
            if (run.State == RunState.Running && run.IterationsPerSecond is > 0 and var rate)
            {
                _rate += rate;
                _rated++;
                if (run.TotalSteps is { } t) _longest = Math.Max(_longest, Math.Max(0, t - run.Step) / rate);
            }
        }

        /// <summary>The progress of the runs added; <paramref name="slots"/> are the trainer slots that can take work (not quarantined, not gone).</summary>
        public SweepProgress Build(int slots)
        {
            long planned = _planned;
            int withoutTotal = 0;
            foreach (var (sum, known, unknown) in _totals.Values)
                if (unknown == 0) continue;
                else if (known > 0) planned += unknown * (sum / known);
                else withoutTotal += unknown;
            double? left = null;
            long remaining = Math.Max(0, planned - _done);
            int running = _states[(int)RunState.Running];
            if (remaining == 0 && running + _waiting == 0) left = 0;
            else if (_rated > 0)
            {
                int free = Math.Clamp(slots - running, 0, _waiting);
                double capacity = _rate + free * (_rate / _rated);
                left = Math.Max(remaining / capacity, _longest);
            }
            return new SweepProgress
            {
                RunsByState = States.ToDictionary(s => s, s => _states[(int)s]),
                IterationsDone = _done,
                IterationsPlanned = planned,
                RunsWithoutTotal = withoutTotal,
                IterationsPerSecond = _rate,
                SecondsLeft = left,
            };
        }
    }

    /// <summary>The progress of <paramref name="runs"/> (a status file written before it held one, or a filtered view).</summary>
    public static SweepProgress Of(IEnumerable<RunStatus> runs, IEnumerable<DeviceStatus> devices)
    {
        var tally = new Tally();
        foreach (var run in runs) tally.Add(run);
        return tally.Build(UsableSlots(devices));
    }

    public static int UsableSlots(IEnumerable<DeviceStatus> devices) => devices.Count(d => d.State is DeviceState.Idle or DeviceState.Busy);
}
