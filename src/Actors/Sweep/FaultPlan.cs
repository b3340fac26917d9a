using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// Test-only fault injection for sweeps: "RUN@ATTEMPT:KIND@STEP" entries separated by ';', where RUN is a run id
/// or its prefix (an experiment name), ATTEMPT a number or '*', KIND fail | nan | hang | oom (the child dies with
/// libtorch's CUDA out-of-memory message, as on a full GPU). The `run` and `worker` commands read it
/// from the ASRNN_GRID_TEST_FAULTS environment variable; trainers turn a match into a hidden `train` option.
/// </summary>
public sealed record FaultPlan(IReadOnlyList<FaultPlan.Fault> Faults)
{
    public const string EnvironmentVariable = "ASRNN_GRID_TEST_FAULTS";

    public sealed record Fault(string RunPrefix, int? Attempt, string Kind, long Step);

    public static readonly FaultPlan None = new([]);

    public static FaultPlan Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return None;
        var faults = new List<Fault>();
        foreach (var entry in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split([':', '@']);
            if (parts.Length != 4 || parts[2] is not ("fail" or "nan" or "hang" or "oom") || !long.TryParse(parts[3], out var step)
                || (parts[1] != "*" && !int.TryParse(parts[1], out _)))
                throw new ConfigurationException($"{EnvironmentVariable}: '{entry}' is not RUN@ATTEMPT:fail|nan|hang|oom@STEP");
            faults.Add(new Fault(parts[0], parts[1] == "*" ? null : int.Parse(parts[1]), parts[2], step));
        }
        return new FaultPlan(faults);
    }

    /// <summary>The hidden `train` arguments for this attempt of this run.</summary>
    public IEnumerable<string> ArgumentsFor(string runId, int attempt)
    {
        foreach (var f in Faults)
            if (runId.StartsWith(f.RunPrefix, StringComparison.Ordinal) && (f.Attempt is null || f.Attempt == attempt))
            {
                yield return $"--{f.Kind}_at_step";
                yield return f.Step.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
    }
}
