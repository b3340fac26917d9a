namespace AsRnnGrid.Actors.Grid;

/// <summary>
/// An experiments.yaml as written, checked for shape and values but not yet expanded:
/// the sweep-level settings (<see cref="Settings"/>, with no runs yet), `defaults:` (its train options and its `scheduler:`) and `experiments:`.
/// </summary>
sealed record SweepFile(SweepDefinition Settings, IReadOnlyList<OptionSetting> Defaults, IReadOnlyList<ExperimentEntry> Experiments,
    SchedulerEntry? DefaultScheduler = null);
