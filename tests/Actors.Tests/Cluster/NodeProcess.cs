using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AsRnnGrid.Actors.Tests.Cluster;

/// <summary>A real `asrnn-grid` node process whose output lines the test can wait for; killed when disposed.</summary>
public sealed class NodeProcess : IDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _out = new(), _err = new();
    readonly Task _reading;

    public NodeProcess(params string[] args)
    {
        _process = CliProcess.Start(args);
        _reading = Task.WhenAll(Pump(_process.StandardOutput, _out), Pump(_process.StandardError, _err));
    }

    static async Task Pump(StreamReader reader, ConcurrentQueue<string> lines)
    {
        while (await reader.ReadLineAsync() is { } line) lines.Enqueue(line);
    }

    public int Id => _process.Id;
    public IReadOnlyList<string> Out => [.. _out];
    public IReadOnlyList<string> Err => [.. _err];
    public string Output => $"stdout:\n{string.Join('\n', _out)}\nstderr:\n{string.Join('\n', _err)}";

    /// <summary>The first stdout line that matches, once it has come (bounded).</summary>
    public async Task<string> WaitForLine(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_out.FirstOrDefault(match) is { } line) return line;
            if (_process.HasExited && _reading.IsCompleted) break;
            await Task.Delay(100);
        }
        throw new TimeoutException($"no line {what} within {timeout.TotalSeconds:0} s\n{Output}");
    }

    /// <summary>The exit code, once the process has ended and its output is read (bounded).</summary>
    public async Task<int> Exit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) throw new TimeoutException($"still running after {timeout.TotalSeconds:0} s\n{Output}");
        await _reading.WaitAsync(TimeSpan.FromSeconds(10));
        return _process.ExitCode;
    }

    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
