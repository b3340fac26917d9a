using System.CommandLine;
using System.CommandLine.Parsing;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// What is wrong with a command line, in one line each, with the nearest valid name for a misspelt one: System.CommandLine's
/// parse errors, and two mistakes it takes for valid input (an option's value that is the next option, an unknown option
/// taken for a file name). The first mistake is told, not every error it causes down the line.
/// </summary>
public static class ParseErrors
{
    const string MissingValue = "Required argument missing for option: '";

    /// <summary>Empty for a good command line.</summary>
    public static IReadOnlyList<string> Describe(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var names = command.Options.SelectMany(o => o.Aliases.Append(o.Name)).Distinct().ToArray();
        var unmatched = parsed.UnmatchedTokens;

        // A misspelt command: everything after it is "unknown" only because the command is.
        if (parsed.Errors.Count > 0 && command.Subcommands.Count > 0)
        {
            var commands = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToArray();
            if (unmatched.Count > 0 && !unmatched[0].StartsWith('-'))
                return [$"unknown command '{unmatched[0]}'{NearestName.Suggestion(unmatched[0], commands)}"];
            if (unmatched.Count == 0)
                return [$"no command given: asrnn-grid{(command.Parents.Any() ? " " + command.Name : "")} {string.Join("|", commands)} (--help says more)"];
        }

        // An option followed by another option took that one as its value.
        foreach (var option in parsed.CommandResult.Children.OfType<OptionResult>())
            if (option.Tokens is [var value] && names.Contains(value.Value, StringComparer.Ordinal))
                return [$"option '{option.Option.Name}' has no value: the next word, '{value.Value}', is an option"];

        // An unknown option where an argument (a file) is expected is taken for the argument's value.
        foreach (var argument in parsed.CommandResult.Children.OfType<ArgumentResult>())
            foreach (var token in argument.Tokens.Where(t => t.Value.Length > 1 && t.Value.StartsWith('-')))
                return [$"unknown option '{token.Value}' for '{command.Name}'{NearestName.Suggestion(token.Value, names)}"];

        var lines = DescribeErrors(parsed, command, names, unmatched.ToHashSet()).Distinct().ToList();
        // An unknown option's value shows up as an unmatched token of its own: the option's line says it all.
        return lines.Any(l => l.StartsWith("unknown option", StringComparison.Ordinal))
            ? lines.Where(l => l.StartsWith("unknown option", StringComparison.Ordinal)).ToList()
            : lines;
    }

    static IEnumerable<string> DescribeErrors(ParseResult parsed, Command command, string[] names, HashSet<string> unmatched)
    {
        foreach (var error in parsed.Errors)
        {
            var token = unmatched.FirstOrDefault(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal));
            if (token is not null && token.StartsWith('-'))
                yield return $"unknown option '{token}' for '{command.Name}'{NearestName.Suggestion(token, names)}";
            else if (token is not null && command.Subcommands.Count > 0)
                yield return $"unknown command '{token}'{NearestName.Suggestion(token, command.Subcommands.Select(c => c.Name))}";
            else if (token is not null)
                yield return $"unexpected '{token}' for '{command.Name}'" + (command.Arguments.Count > 0
                    ? $" (it takes {string.Join(" ", command.Arguments.Select(a => a.Name))} once, and options)" : " (it takes options only)");
            else if (error.Message.StartsWith(MissingValue, StringComparison.Ordinal))
                yield return $"option '{error.Message[MissingValue.Length..].TrimEnd('.', '\'')}' needs a value";
            else
                yield return error.Message;
        }
    }
}
