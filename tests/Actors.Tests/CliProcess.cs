using System.Diagnostics;

namespace AsRnnGrid.Actors.Tests;

/// <summary>Runs the real asrnn-grid executable (the build output beside the tests) as a child process.</summary>
public static class CliProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "asrnn-grid.dll");

    public static Process Start(params string[] args) => StartWith(null, args);

    /// <summary>With these environment variables set (a fault plan), or removed where the value is null.</summary>
    public static Process StartWith(IReadOnlyDictionary<string, string?>? environment, params string[] args) => StartIn(null, environment, args);

    /// <summary>In <paramref name="folder"/> (null: this process's current folder), with these environment variables.</summary>
    public static Process StartIn(string? folder, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (folder is not null) psi.WorkingDirectory = folder;
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
            if (value is null) psi.Environment.Remove(key);
            else psi.Environment[key] = value;
        return Process.Start(psi)!;
    }

    public static (int Exit, string Out, string Err) Run(params string[] args) => RunWith(null, args);

    public static (int Exit, string Out, string Err) RunWith(IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        RunIn(null, environment, args);

    public static (int Exit, string Out, string Err) RunIn(string? folder, IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        RunWithin(TimeSpan.FromMinutes(2), folder, environment, args);

    /// <summary>To its end or <paramref name="timeout"/> (a sweep that starts a process per rung on a loaded machine takes a while).</summary>
    public static (int Exit, string Out, string Err) RunWithin(TimeSpan timeout, string? folder, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        using var p = StartIn(folder, environment, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout)) { p.Kill(true); throw new TimeoutException(string.Join(' ', args)); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
