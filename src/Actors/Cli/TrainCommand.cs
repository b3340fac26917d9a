using System.CommandLine;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// `asrnn-grid train`: one run in the foreground. Options are the train options (spelled as the reference
/// scripts spell them: --hidden_size 122), plus --out, --restart, --config, --progress, --tensorboard and --pause-at.
/// Exit codes (<see cref="ExitCode"/>): 0 completed, 2 bad input, 3 stopped by a signal (checkpointed, resumable), 4 failed (non-finite loss),
/// 6 paused at --pause-at (checkpointed there, resumable), 1 other faults.
/// </summary>
public static class TrainCommand
{
    public static Command Build()
    {
        var command = new Command("train", "train one model on one task; resumes from the run folder's newest checkpoint");
        var trainOptions = TrainOption.All.Select(o => (o, new Option<string>("--" + o.Name) { Description = o.Help, HelpName = HelpName(o) })).ToArray();
        foreach (var (_, option) in trainOptions) command.Options.Add(option);
        var outOption = new Option<string>("--out") { Description = "run folder (default runs/<task>-<model>-h<hidden>-s<seed>)" };
        var restart = new Option<bool>("--restart") { Description = "start over; the folder's old files are moved into previous-*/ (nothing is deleted)" };
        var config = new Option<string>("--config") { Description = "a run.yaml (key: value per line) whose values come before the options given here" };
        var tensorBoard = new Option<string>("--tensorboard") { Description = "folder of the run's TensorBoard event files (rewritten from metrics.jsonl when the run starts, then appended to)" };
        var progress = new Option<string>("--progress") { Description = "text (default) or json (one object per line, for the sweep's trainers)" };
        progress.AcceptOnlyFromAmong("text", "json");
        var failAt = new Option<long?>("--fail_at_step") { Description = "test setting: throw at this step", Hidden = true };
        var nanAt = new Option<long?>("--nan_at_step") { Description = "test setting: the loss of this step reads as NaN", Hidden = true };
        var hangAt = new Option<long?>("--hang_at_step") { Description = "test setting: hang silently at this step", Hidden = true };
        var pauseAt = new Option<string>("--pause-at")
        {
            Description = "checkpoint and stop at this point (N iterations, or N epochs for MNIST and PTB), with exit code 6; the same command without it goes on. Not part of the configuration",
            HelpName = "N iterations|N epochs",
        };
        var oomAt = new Option<long?>("--oom_at_step") { Description = "test setting: die at this step with libtorch's CUDA out-of-memory error", Hidden = true };
        var stopWithParent = new Option<bool>("--stop-with-parent") { Description = "checkpoint and stop when the parent process (a sweep trainer) dies", Hidden = true };
        command.Options.Add(outOption);
        command.Options.Add(restart);
        command.Options.Add(config);
        command.Options.Add(progress);
        command.Options.Add(tensorBoard);
        command.Options.Add(failAt);
        command.Options.Add(nanAt);
        command.Options.Add(hangAt);
        command.Options.Add(pauseAt);
        command.Options.Add(oomAt);
        command.Options.Add(stopWithParent);

        command.SetAction(parsed =>
        {
            var values = new List<KeyValuePair<string, string>>();
            if (parsed.GetValue(config) is { } configFile) values.AddRange(RunYaml.ReadValues(configFile));
            foreach (var (trainOption, option) in trainOptions)
                if (parsed.GetResult(option) is not null && parsed.GetValue(option) is { } text)
                    values.Add(new(trainOption.Name, text));
            var runConfig = RunConfigBuilder.Build(values);
            var folder = parsed.GetValue(outOption)
                ?? Path.Combine("runs", $"{runConfig.Task}-{runConfig.Model}-h{runConfig.HiddenSize}-s{runConfig.RandomSeed}");
            ITrainingObserver observer = parsed.GetValue(progress) == "json"
                ? new JsonProgressObserver(Console.Out)
                : new ConsoleTrainingObserver(Console.Out, runConfig);
            TrainingPoint? pause = null;
            if (parsed.GetValue(pauseAt) is { } pauseText)
                pause = TrainingPoint.Parse(pauseText) ?? throw new ConfigurationException($"--pause-at: '{pauseText}' is not N iterations or N epochs");
            using var signals = new StopSignals();
            if (parsed.GetValue(stopWithParent)) signals.StopWhenParentDies();
            var run = new TrainingRun(runConfig, folder, observer, new TrainingRunOptions
            {
                Restart = parsed.GetValue(restart),
                TensorBoard = parsed.GetValue(tensorBoard) is { } board ? Path.GetFullPath(board) : null,
                Faults = new InjectedFaults { FailAtStep = parsed.GetValue(failAt), NanAtStep = parsed.GetValue(nanAt), HangAtStep = parsed.GetValue(hangAt), OutOfMemoryAtStep = parsed.GetValue(oomAt) },
                PauseAt = pause,
            });
            var result = run.Run(signals.Token);
            return result.Status switch
            {
                "completed" => (int)ExitCode.Success,
                "stopped" => (int)ExitCode.Stopped,
                "paused" => (int)ExitCode.Paused,
                _ => (int)ExitCode.Failed,
            };
        });
        return command;
    }

    static string HelpName(TrainOption o) => o.Choices.Count > 0 ? string.Join("|", o.Choices)
        : o.ValueType == typeof(double) ? "number" : o.ValueType == typeof(string) ? "text" : o.ValueType == typeof(bool) ? "true|false" : "integer";
}
