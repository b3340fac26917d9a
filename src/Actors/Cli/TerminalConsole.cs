using Spectre.Console;

namespace AsRnnGrid.Actors.Cli;

/// <summary>The Spectre console of every command: the terminal as it is; redirected output as plain text (no colours, ASCII borders) of a fixed width.</summary>
public static class TerminalConsole
{
    /// <summary>Columns when stdout is not a terminal: wide enough for every table, fixed so the output is the same everywhere.</summary>
    public const int RedirectedWidth = 160;

    public static bool IsInteractive => !Console.IsOutputRedirected;

    public static IAnsiConsole Create()
    {
        if (IsInteractive) return AnsiConsole.Console;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        console.Profile.Width = RedirectedWidth;
        console.Profile.Capabilities.Unicode = false;
        return console;
    }

    /// <summary>Tables take ASCII borders where the console cannot draw Unicode ones.</summary>
    public static Table Fit(this Table table, IAnsiConsole console) =>
        console.Profile.Capabilities.Unicode ? table : table.Border(TableBorder.Ascii);
}
