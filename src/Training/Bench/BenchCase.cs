using System.Globalization;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Training.Bench;

/// <summary>
/// One model to time: task shapes (pmnist, ptb, copy), model and hidden size. Written task:model:hidden
/// (pmnist:asrnn:122) on the command line.
/// </summary>
public sealed record BenchCase(string Task, string Model, int Hidden)
{
    static readonly string[] Tasks = ["pmnist", "ptb", "copy"];

    /// <summary>The papers' sizes (docs/models.md §6.3, §7): pMNIST at about 16k and 137k parameters, LSTM 128, and PTB at 1.32M.</summary>
    public static IReadOnlyList<BenchCase> PaperDefaults { get; } =
    [
        new("pmnist", "asrnn", 122),
        new("pmnist", "asrnn", 364),
        new("pmnist", "exprnn", 170),
        new("pmnist", "scornn", 170),
        new("pmnist", "lstm", 128),
        new("ptb", "asrnn", 1024),
        new("ptb", "lstm", 475),
    ];

    public string Label => $"{Task}:{Model}:{Hidden}";

    public override string ToString() => Label;

    /// <summary>Parses task:model:hidden; a bad one is refused in one line.</summary>
    public static BenchCase Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 3)
            throw new ConfigurationException($"bench case '{text}': expected task:model:hidden, for example pmnist:asrnn:122");
        var task = parts[0].Trim();
        if (!Tasks.Contains(task))
            throw new ConfigurationException($"bench case '{text}': task '{task}' is not one of {string.Join(", ", Tasks)}{NearestName.Suggestion(task, Tasks)}");
        var model = ((Models.ModelKind)TrainOption.Get("model").Parse(parts[1])).Name;
        if (!int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var hidden) || hidden < 2)
            throw new ConfigurationException($"bench case '{text}': hidden size '{parts[2]}' is not an integer of at least 2");
        return new BenchCase(task, model, hidden);
    }
}
