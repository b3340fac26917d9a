using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Akka.Actor;
using AsRnnGrid.Actors.Cluster;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Tests.Sweep;
using Xunit.Abstractions;

namespace AsRnnGrid.Actors.Tests.Cluster;

/// <summary>
/// Mutual TLS between the nodes, with real processes and real sockets on loopback: only a node holding the results
/// folder's key completes a handshake with the seed; every stranger is refused at the handshake with one line in the
/// seed's log, and the sweep goes on.
/// </summary>
public sealed class ClusterSecurityTests(ITestOutputHelper output)
{
    static string Grid(int iterations = 100, string seeds = "1, 2") => TestSweeps.CopyGridFile("asrnn", seeds, iterations);

    static readonly TimeSpan Start = TimeSpan.FromSeconds(90), Sweep = TimeSpan.FromMinutes(3);

    /// <summary>The seed's notice (after its time of day) for a connection from this local port.</summary>
    static Func<string, bool> Refused(int port, string reason) =>
        l => l.EndsWith($" refused a connection from 127.0.0.1:{port}: {reason}", StringComparison.Ordinal);

    static string[] Worker(int port, string results, params string[] more) =>
        ["worker", "--join", $"127.0.0.1:{port}", "--results", results, "--cpu-slots", "1", .. more];

    [Fact]
    public async Task Strangers_are_refused_at_the_handshake_with_one_line_each_and_the_sweep_completes()
    {
        var (file, results) = TestSweeps.WriteSweepFile(Grid());
        var port = NodeProcess.FreePort();
        using var seed = new NodeProcess("run", file, "--no-local-trainers", "--port", port.ToString());
        try
        {
            await seed.WaitForLine(l => l.StartsWith("workers join with:", StringComparison.Ordinal), Start, "inviting workers");

            // Bytes that are not TLS.
            int rawPort;
            using (var raw = new TcpClient())
            {
                await raw.ConnectAsync(IPAddress.Loopback, port);
                rawPort = ((IPEndPoint)raw.Client.LocalEndPoint!).Port;
                var stream = raw.GetStream();
                await stream.WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
                Assert.Equal(0, await stream.ReadAsync(new byte[64]).AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
            }
            await seed.WaitForLine(Refused(rawPort, RemoteTlsEvent.NotTls), Start, "for the plain TCP client");

            // TLS without a client certificate: the seed asks for one, then closes the connection unanswered.
            var (asked, tlsPort) = await HandshakeWithoutCertificate(port);
            Assert.True(asked, "the seed did not ask for a client certificate");
            await seed.WaitForLine(Refused(tlsPort, TlsPeerCheck.NoCertificate), Start, "for the TLS client without a certificate");
            if (OpenSsl() is { } openssl) await OpenSslSeesTheRequestAndTheRefusal(openssl, port, seed);
            else output.WriteLine("openssl not found: the handshake without a client certificate was checked with SslStream alone");

            // A worker holding another sweep's key: refused on both sides; it says so in one line and exits 2.
            var other = TestSweeps.TempResults();
            SweepCertificate.CreateOrRead(other);
            SweepToken.CreateOrRead(other);
            using (var stranger = new NodeProcess(Worker(port, other)))
            {
                Assert.True(await stranger.Exit(Start) == 2, stranger.Output);
                var line = Assert.Single(stranger.Err);
                Assert.StartsWith($"error: refused at the TLS handshake: this worker's sweep key {SweepCertificate.PathIn(other)} is not the one", line);
                Assert.DoesNotContain(stranger.Out, l => l.Contains("TLS handshake failed on channel", StringComparison.Ordinal));
            }
            await seed.WaitForLine(l => l.EndsWith(": " + TlsPeerCheck.OtherCertificate, StringComparison.Ordinal), Start, "for the other sweep's worker");

            // A worker without any key (plain TCP): refused at the handshake, it keeps knocking until stopped.
            using (var plain = new NodeProcess("worker", "--join", $"127.0.0.1:{port}", "--insecure-plaintext", "--cpu-slots", "1"))
            {
                await plain.WaitForLine(l => l.Contains("warning: --insecure-plaintext", StringComparison.Ordinal), Start, "warning of plaintext");
                await seed.WaitForLine(l => l.EndsWith(RemoteTlsEvent.NotTls, StringComparison.Ordinal) && !Refused(rawPort, RemoteTlsEvent.NotTls)(l),
                    Start, "for the plaintext worker");
            }

            using var worker = new NodeProcess(Worker(port, results));
            Assert.True(await seed.Exit(Sweep) == 0, seed.Output + "\nworker " + worker.Output);
            Assert.All(SweepStatus.Read(results)!.Runs, r => Assert.Equal(RunState.Completed, r.State));

            // One line per refused connection, and none of Akka's own accounts of it.
            Assert.Single(seed.Out, l => l.Contains($"127.0.0.1:{rawPort}:", StringComparison.Ordinal));
            Assert.Single(seed.Out, l => l.Contains($"127.0.0.1:{tlsPort}:", StringComparison.Ordinal));
            Assert.All(seed.Out, l => Assert.DoesNotContain("TLS handshake failed", l));
            Assert.DoesNotContain(seed.Out, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
            Assert.Empty(seed.Err);
        }
        finally
        {
            output.WriteLine(seed.Output);
        }
    }

    /// <summary>A .NET TLS client that offers no certificate: whether the server asked for one, and its local port.</summary>
    static async Task<(bool Asked, int Port)> HandshakeWithoutCertificate(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var local = ((IPEndPoint)tcp.Client.LocalEndPoint!).Port;
        bool asked = false;
        using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true, (_, _, _, _, _) =>
        {
            asked = true; // the server's CertificateRequest
            return null!;
        });
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "asrnn-grid" }).WaitAsync(TimeSpan.FromSeconds(20));
            // The server checks the (absent) certificate once its side of the handshake is done, then hangs up.
            Assert.Equal(0, await tls.ReadAsync(new byte[64]).AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
        }
        catch (Exception e) when (e is AuthenticationException or IOException) { }
        return (asked, local);
    }

    static string? OpenSsl() => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
        .Select(d => Path.Combine(d, "openssl")).FirstOrDefault(File.Exists);

    /// <summary>
    /// The same from outside .NET: OpenSSL's client sees the certificate request and the connection closed; and a
    /// second connection that resumes the first one's TLS session (no handshake, so no certificate) is refused too.
    /// </summary>
    async Task OpenSslSeesTheRequestAndTheRefusal(string openssl, int port, NodeProcess seed)
    {
        var session = Path.Combine(TestSweeps.TempResults(), "session.pem");
        var first = await OpenSslClient(openssl, port, "-sess_out", session);
        Assert.Contains("Client Certificate Types", first);
        await WaitForNoCertificateRefusals(seed, 2); // SslStream's and this one
        var resumed = await OpenSslClient(openssl, port, "-sess_in", session);
        output.WriteLine(resumed.Contains("Reused,", StringComparison.Ordinal) ? "the session was resumed" : "the session was not resumed");
        await WaitForNoCertificateRefusals(seed, 3);
    }

    static Task WaitForNoCertificateRefusals(NodeProcess seed, int count) =>
        seed.WaitForLine(_ => seed.Out.Count(l => l.EndsWith(": " + TlsPeerCheck.NoCertificate, StringComparison.Ordinal)) >= count,
            Start, $"of {count} refusals without a certificate");

    /// <summary>openssl s_client's output; its input stays open, so it ends only because the seed closes the connection.</summary>
    async Task<string> OpenSslClient(string openssl, int port, params string[] more)
    {
        var psi = new ProcessStartInfo(openssl) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["s_client", "-connect", $"127.0.0.1:{port}", .. more]) psi.ArgumentList.Add(a);
        using var client = Process.Start(psi)!;
        var stdout = client.StandardOutput.ReadToEndAsync();
        var stderr = client.StandardError.ReadToEndAsync();
        var ended = client.WaitForExit(TimeSpan.FromSeconds(30));
        if (!ended) client.Kill();
        var text = await stdout + await stderr;
        output.WriteLine(text);
        Assert.True(ended, "openssl s_client was not disconnected");
        return text;
    }

    [Fact]
    public async Task An_actor_system_without_the_key_cannot_stop_the_supervisor_and_the_sweep_completes()
    {
        // Long enough (about 30 s on 2 cores) for the strangers to knock while the supervisor works.
        var (file, results) = TestSweeps.WriteSweepFile(Grid(iterations: 400));
        var port = NodeProcess.FreePort();
        using var seed = new NodeProcess("run", file, "--port", port.ToString());
        try
        {
            await seed.WaitForLine(l => l.Contains(" started on ", StringComparison.Ordinal), Start, "of a run started");
            var otherKey = SweepCertificate.CreateOrRead(TestSweeps.TempResults());
            NodeSecurity[] strangers = [new NodeSecurity.InsecurePlaintext(), new NodeSecurity.MutualTls(otherKey)];
            var systems = strangers.Select(security => SweepNodeConfig.Start(new SweepNodeSettings
            {
                Security = security, Roles = [SweepNodeConfig.TrainerRole], Log = l => output.WriteLine("stranger: " + l),
            })).ToArray();
            try
            {
                foreach (var (security, system) in strangers.Zip(systems))
                    system.ActorSelection($"{SweepNodeConfig.SeedAddress(security, $"127.0.0.1:{port}")}/user/supervisor").Tell(PoisonPill.Instance);
                await seed.WaitForLine(l => l.EndsWith(": " + RemoteTlsEvent.NotTls, StringComparison.Ordinal), Start, "refusing the plaintext system");
                await seed.WaitForLine(l => l.EndsWith(": " + TlsPeerCheck.OtherCertificate, StringComparison.Ordinal), Start, "refusing the other key's system");
            }
            finally
            {
                await Task.WhenAll(systems.Select(s => s.Terminate())).WaitAsync(TimeSpan.FromSeconds(30));
            }
            Assert.True(await seed.Exit(Sweep) == 0, seed.Output);
            var final = SweepStatus.Read(results)!;
            Assert.Equal(SweepState.Finished, final.State);
            Assert.All(final.Runs, r => Assert.Equal(RunState.Completed, r.State));
            // The strangers knocked while the supervisor was at work, not after.
            var lines = seed.Out.ToList();
            Assert.True(lines.FindLastIndex(l => l.Contains(" refused a connection from ", StringComparison.Ordinal))
                        < lines.FindIndex(l => l.Contains(" sweep finished: ", StringComparison.Ordinal)), seed.Output);
        }
        finally
        {
            output.WriteLine(seed.Output);
        }
    }

    [Fact]
    public async Task Rotate_key_replaces_the_key_of_a_stopped_sweep_and_a_worker_holding_the_old_one_is_refused()
    {
        var (file, results) = TestSweeps.WriteSweepFile(Grid());
        var port = NodeProcess.FreePort();
        var key = SweepCertificate.PathIn(results);
        string[] seedArgs = ["run", file, "--no-local-trainers", "--port", port.ToString(), "--down-after", "2"];

        // Started before the seed's first start: it waits for the key, then holds it.
        using var holder = new NodeProcess(Worker(port, results, "--down-after", "2"));
        try
        {
            await holder.WaitForLine(l => l.Contains("waiting for the sweep key", StringComparison.Ordinal), Start, "waiting for the key");
            using (var first = new NodeProcess(seedArgs))
            {
                await first.WaitForLine(l => l.Contains(" started on ", StringComparison.Ordinal), Start, "of a run started");
                first.Kill();
            }
            var oldKey = File.ReadAllBytes(key);

            using var second = new NodeProcess([.. seedArgs, "--rotate-key"]);
            await second.WaitForLine(l => l.StartsWith("new sweep key", StringComparison.Ordinal), Start, "of the new key");
            var newKey = File.ReadAllBytes(key);
            Assert.NotEqual(oldKey, newKey);

            // Only a stopped sweep's key is replaced: this one runs.
            var (exit, _, stderr) = CliProcess.Run("run", file, "--rotate-key");
            Assert.Equal(2, exit);
            Assert.Equal($"error: {results}: another `asrnn-grid run` is using this results folder", stderr.Trim());
            Assert.Equal(newKey, File.ReadAllBytes(key));

            Assert.True(await holder.Exit(Start) == 2, holder.Output);
            var line = Assert.Single(holder.Err);
            Assert.StartsWith($"error: refused at the TLS handshake: this worker's sweep key {key} is not the one the seed at 127.0.0.1:{port} holds", line);
            Assert.Contains("`run --rotate-key`", line);
            await second.WaitForLine(l => l.EndsWith(": " + TlsPeerCheck.OtherCertificate, StringComparison.Ordinal), Start, "refusing the old key");

            // A worker started now reads the new key, and the sweep resumes and completes.
            using var fresh = new NodeProcess(Worker(port, results));
            Assert.True(await second.Exit(Sweep) == 0, second.Output + "\nworker " + fresh.Output);
            Assert.All(SweepStatus.Read(results)!.Runs, r => Assert.Equal(RunState.Completed, r.State));
        }
        finally
        {
            output.WriteLine("holder:\n" + holder.Output);
        }
    }

    [Fact]
    public void Without_tls_run_and_worker_say_so_at_start_and_a_worker_needs_the_results_folder_otherwise()
    {
        var (exit, stdout, stderr) = CliProcess.Run("worker", "--join", "127.0.0.1:1", "--cpu-slots", "1");
        Assert.Equal(2, exit);
        Assert.Equal("error: --results: a worker needs the sweep's results folder, which holds the sweep's key (the seed's `run` prints it), or --insecure-plaintext",
            stderr.Trim());
        Assert.DoesNotContain("joining", stdout);

        var (file, results) = TestSweeps.WriteSweepFile(Grid(iterations: 20, seeds: "1"));
        (exit, stdout, stderr) = CliProcess.Run("run", file, "--insecure-plaintext");
        output.WriteLine(stdout);
        Assert.True(exit == 0, stderr);
        Assert.Contains(stdout.Split('\n'), l => l.StartsWith("warning: --insecure-plaintext: node-to-node traffic is neither encrypted nor authenticated; anyone who reaches 127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains("asrnn-grid worker --join 127.0.0.1:", stdout);
        Assert.False(File.Exists(SweepCertificate.PathIn(results)));
    }
}
