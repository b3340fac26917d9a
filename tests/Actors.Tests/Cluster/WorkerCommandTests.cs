using System.Net;
using System.Net.Sockets;
using AsRnnGrid.Actors.Cluster;
using AsRnnGrid.Actors.Tests.Sweep;
using TorchSharp;

namespace AsRnnGrid.Actors.Tests.Cluster;

/// <summary>A worker's --gpus names GPUs that exist, once each, and its GPU options are valid, or the worker refuses to start.</summary>
public sealed class WorkerCommandTests
{
    [Theory]
    [InlineData(new[] { "--gpu-min-free-mib", "-5" }, "--gpu-min-free-mib: -5 is not between 0 and 16777216 MiB")]
    [InlineData(new[] { "--gpu-min-free-mib", "lots" }, "Cannot parse argument 'lots' for option '--gpu-min-free-mib'")]
    [InlineData(new[] { "--gpu-share", "sometimes" }, "Argument 'sometimes' not recognized. Must be one of:")]
    public void Bad_gpu_options_are_refused(string[] options, string expected)
    {
        var (exit, stdout, err) = CliProcess.Run(["worker", "--join", "127.0.0.1:1", .. options]);
        Assert.Equal(2, exit);
        Assert.StartsWith("error: " + expected, err.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0]);
        Assert.DoesNotContain("joining", stdout);
    }

    [Theory]
    [InlineData("0,0", "--gpus: GPU 0 is named twice")]
    [InlineData("x", "--gpus: 'x' is not a GPU index")]
    public void Malformed_gpus_are_refused(string gpus, string expected) => AssertRefused(gpus, expected);

    [Fact]
    public void Gpus_that_do_not_exist_are_refused_before_joining()
    {
        if (torch.cuda.is_available()) AssertRefused("0,99", "--gpus: no GPU 99 on this machine");
        else AssertRefused("0,1", "--gpus 0,1: CUDA is not available on this machine");
    }

    [Fact]
    public void A_port_another_program_listens_on_is_refused_in_one_line()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var results = TestSweeps.TempResults();
        SweepCertificate.CreateOrRead(results);
        var (exit, _, err) = CliProcess.Run("worker", "--join", "127.0.0.1:1", "--results", results, "--port", port.ToString(), "--cpu-slots", "1");
        Assert.Equal(2, exit);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: --hostname/--port: this node cannot listen on 127.0.0.1:{port}: ", line);
    }

    static void AssertRefused(string gpus, string expected)
    {
        var (exit, stdout, err) = CliProcess.Run("worker", "--join", "127.0.0.1:1", "--gpus", gpus);
        Assert.Equal(2, exit);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: " + expected, line);
        Assert.DoesNotContain("joining", stdout);
    }
}
