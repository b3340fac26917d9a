using System.CommandLine;
using AsRnnGrid.Data;
using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// The asrnn-grid command line. Every error is one line on stderr (no stack trace) and a non-zero exit code:
/// <see cref="ExitCode.BadInput"/> (options, files, data), <see cref="ExitCode.Fault"/> an unexpected fault.
/// </summary>
public static class CommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("asrnn-grid: recurrent-network memory experiments (asRNN and the models it is compared with)");
        root.Subcommands.Add(TrainCommand.Build());
        root.Subcommands.Add(ValidateCommand.Build());
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(StatusCommand.Build());
        root.Subcommands.Add(WorkerCommand.Build());
        root.Subcommands.Add(ReportCommand.Build());
        root.Subcommands.Add(BenchCommand.Build());
        return root;
    }

    public static int Run(string[] args)
    {
        var root = Build();
        var parsed = root.Parse(args);
        if (ParseErrors.Describe(parsed) is { Count: > 0 } problems)
        {
            foreach (var line in problems) Console.Error.WriteLine("error: " + line);
            return (int)ExitCode.BadInput;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsBadInput(e))
        {
            Console.Error.WriteLine("error: " + e.Message);
            return (int)ExitCode.BadInput;
        }
        catch (Exception e)
        {
            // libtorch's messages carry C++ frames after the first line: keep the sentence, not the trace.
            Console.Error.WriteLine($"error: {e.GetType().Name}: {FirstLine(e.Message)}");
            return (int)ExitCode.Fault;
        }
    }

    public static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    public static bool IsBadInput(Exception e) => e is ConfigurationException or DataFileException or CorruptCheckpointException;
}
