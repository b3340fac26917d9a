using AsRnnGrid.Training.Tasks;

namespace AsRnnGrid.Training.Configuration;

/// <summary>Builds a <see cref="RunConfig"/> from option values as text: the task's defaults first, then every given value.</summary>
public static class RunConfigBuilder
{
    public static RunConfig Build(IEnumerable<KeyValuePair<string, string>> values)
    {
        var list = values.ToList();
        foreach (var (name, _) in list) TrainOption.Get(name);
        var config = TaskOf(list).Defaults;
        foreach (var (name, text) in list.Where(kv => kv.Key != "task"))
            config = TrainOption.Get(name).Apply(config, text);
        ModelSpecResolver.Check(config);
        return config;
    }

    /// <summary>The task the values name (the last `task` given wins, as in <see cref="Build"/>), else the default task.</summary>
    public static TaskKind TaskOf(IEnumerable<KeyValuePair<string, string>> values) =>
        values.LastOrDefault(kv => kv.Key == "task").Value is { } text ? (TaskKind)TrainOption.Get("task").Parse(text) : new RunConfig().Task;
}
