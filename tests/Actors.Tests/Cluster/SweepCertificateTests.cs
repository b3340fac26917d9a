using System.Net.Security;
using AsRnnGrid.Actors.Cluster;
using AsRnnGrid.Actors.Tests.Sweep;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Tests.Cluster;

/// <summary>The sweep's key in the results folder: made once, owner-only, read back, replaced, refused when damaged.</summary>
public sealed class SweepCertificateTests
{
    [Fact]
    public void The_seed_makes_the_key_once_readable_by_its_owner_only_and_workers_read_the_same()
    {
        var results = TestSweeps.TempResults();
        var made = SweepCertificate.CreateOrRead(results);
        var path = SweepCertificate.PathIn(results);
        Assert.Equal(path, made.PathName);
        if (!OperatingSystem.IsWindows()) Assert.Equal(SweepCertificate.OwnerOnly, File.GetUnixFileMode(path));
        Assert.True(made.Certificate.HasPrivateKey);

        var again = SweepCertificate.CreateOrRead(results);
        var worker = SweepCertificate.Read(results);
        Assert.Equal(made.Certificate.RawData, again.Certificate.RawData);
        Assert.Equal(made.Certificate.RawData, worker.Certificate.RawData);
        Assert.True(worker.Certificate.HasPrivateKey);
        Assert.True(made.IsThisSweeps(worker.Certificate));
        Assert.Equal(made.Fingerprint, worker.Fingerprint);
        Assert.Empty(Directory.GetFiles(results, "*.tmp"));
    }

    [Fact]
    public void Rotating_makes_a_new_key_that_no_longer_accepts_the_old_one()
    {
        var results = TestSweeps.TempResults();
        var old = SweepCertificate.CreateOrRead(results);
        var rotated = SweepCertificate.Rotate(results);
        Assert.NotEqual(old.Fingerprint, rotated.Fingerprint);
        Assert.False(rotated.IsThisSweeps(old.Certificate));
        Assert.False(old.IsThisSweeps(rotated.Certificate));
        Assert.Equal(rotated.Certificate.RawData, SweepCertificate.Read(results).Certificate.RawData);
        if (!OperatingSystem.IsWindows()) Assert.Equal(SweepCertificate.OwnerOnly, File.GetUnixFileMode(rotated.PathName));
    }

    [Fact]
    public void A_worker_without_the_folder_or_the_key_is_told_which_and_a_damaged_key_is_refused_and_kept()
    {
        var results = TestSweeps.TempResults();
        var missing = Path.Combine(results, "not-there");
        Assert.Null(SweepCertificate.TryRead(missing));
        Assert.Equal($"{missing}: this node cannot see the sweep's results folder (every node must see it at the same path)",
            Assert.Throws<ConfigurationException>(() => SweepCertificate.Read(missing)).Message);
        Assert.Null(SweepCertificate.TryRead(results));
        Assert.StartsWith($"{SweepCertificate.PathIn(results)}: no sweep key in this results folder",
            Assert.Throws<ConfigurationException>(() => SweepCertificate.Read(results)).Message);

        var path = SweepCertificate.PathIn(results);
        File.WriteAllText(path, "not a key");
        var e = Assert.Throws<ConfigurationException>(() => SweepCertificate.CreateOrRead(results));
        Assert.StartsWith($"{path}: not a readable sweep key", e.Message);
        Assert.EndsWith("`asrnn-grid run --rotate-key` makes a new one", e.Message);
        Assert.Equal("not a key", File.ReadAllText(path));
    }

    [Fact]
    public void The_peer_check_accepts_the_sweep_s_own_certificate_only_and_says_why_it_refused()
    {
        var mine = SweepCertificate.CreateOrRead(TestSweeps.TempResults());
        var other = SweepCertificate.CreateOrRead(TestSweeps.TempResults());
        var check = new TlsPeerCheck(mine);
        // Self-signed and reached by any address: the chain and name errors are expected and not what decides.
        const SslPolicyErrors expected = SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch;
        Assert.True(check.Validator(mine.Certificate, null, "10.0.0.1:1", expected, null!));
        Assert.Null(check.TakeReason("10.0.0.1:1"));
        Assert.False(check.Validator(other.Certificate, null, "10.0.0.2:2", SslPolicyErrors.None, null!));
        Assert.False(check.Validator(null, null, "10.0.0.3:3", SslPolicyErrors.RemoteCertificateNotAvailable, null!));
        Assert.Equal(TlsPeerCheck.OtherCertificate, check.TakeReason("10.0.0.2:2"));
        Assert.Null(check.TakeReason("10.0.0.2:2"));
        Assert.Equal(TlsPeerCheck.NoCertificate, check.TakeReason("10.0.0.3:3"));
    }
}
