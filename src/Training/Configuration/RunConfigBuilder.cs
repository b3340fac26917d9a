using AsRnnGrid.Training.Tasks;

namespace AsRnnGrid.Training.Configuration;

/// <summary>Builds a <see cref="RunConfig"/> from option values as text: the task's defaults first, then every given value.</summary>
public static class RunConfigBuilder
{
    public static RunConfig Build(IEnumerable<KeyValuePair<string, string>> values)
    {
        var list = values.ToList();
        foreach (var (name, _) in list) TrainOption.Get(name);
        var task = list.LastOrDefault(kv => kv.Key == "task").Value is { } taskText ? (TaskKind)TrainOption.Get("task").Parse(taskText) : new RunConfig().Task;
        var config = task.Defaults;
        foreach (var (name, text) in list.Where(kv => kv.Key != "task"))
            config = TrainOption.Get(name).Apply(config, text);
        ModelSpecResolver.Check(config);
        return config;
    }
}
