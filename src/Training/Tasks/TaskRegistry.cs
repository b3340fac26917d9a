using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Training.Tasks;

/// <summary>
/// Every task, one line each, in the order --help and the errors list them. A new task is its file (its session and its
/// <see cref="TaskKind"/>) and a line here.
/// </summary>
public static class TaskRegistry
{
    public static KindRegistry<TaskKind> Tasks { get; } = new("task",
    [
        new CopyKind(),
        new AddingKind(),
        new SmnistKind(),
        new PmnistKind(),
        new PtbKind(),
    ]);
}
