using System.CommandLine;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Cli;

/// <summary>Turns System.CommandLine's parse errors into one line each, with the nearest valid option for a misspelt one.</summary>
public static class ParseErrors
{
    public static IEnumerable<string> Describe(ParseResult parsed)
    {
        var lines = DescribeAll(parsed).Distinct().ToList();
        // An unknown option's value shows up as an unmatched token of its own: the option's line says it all.
        return lines.Any(l => l.StartsWith("unknown option", StringComparison.Ordinal))
            ? lines.Where(l => l.StartsWith("unknown option", StringComparison.Ordinal))
            : lines;
    }

    static IEnumerable<string> DescribeAll(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var names = command.Options.SelectMany(o => o.Aliases.Append(o.Name)).Distinct().ToArray();
        var unmatched = parsed.UnmatchedTokens.ToHashSet();
        foreach (var error in parsed.Errors)
        {
            var token = unmatched.FirstOrDefault(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal));
            if (token is not null && token.StartsWith('-'))
                yield return $"unknown option '{token}' for '{command.Name}'{NearestName.Suggestion(token, names)}";
            else if (token is not null && command.Subcommands.Count > 0)
                yield return $"unknown command '{token}'{NearestName.Suggestion(token, command.Subcommands.Select(c => c.Name))}";
            else
                yield return error.Message;
        }
    }
}
