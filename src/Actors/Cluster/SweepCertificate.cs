using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Cluster;

/// <summary>
/// The sweep's key pair and self-signed certificate: the one identity every node of a sweep presents and the only one
/// it accepts (mutual TLS, pinned to this certificate). The seed creates it on its first start in the results folder,
/// beside the sweep token, readable by its owner only; workers load it from there. Whoever can read the results folder
/// can therefore take part in the sweep, and nobody else can complete a handshake with one of its nodes.
/// </summary>
public sealed class SweepCertificate
{
    /// <summary>PKCS#12 without a password: the file's permissions protect it (a password kept beside it would not).</summary>
    public const string FileName = ".sweep-key.pfx";

    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>TLS server and client authentication: every node is both.</summary>
    static readonly OidCollection ServerAndClient = [new("1.3.6.1.5.5.7.3.1"), new("1.3.6.1.5.5.7.3.2")];

    SweepCertificate(string path, X509Certificate2 certificate)
    {
        PathName = path;
        Certificate = certificate;
    }

    /// <summary>The file it was read from (for messages).</summary>
    public string PathName { get; }

    /// <summary>The certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The first bytes of the certificate's SHA-256, for people to compare keys (`run` and `worker` print it).</summary>
    public string Fingerprint => Convert.ToHexStringLower(Certificate.GetCertHash(HashAlgorithmName.SHA256))[..16];

    public static string PathIn(string results) => Path.Combine(results, FileName);

    /// <summary>True only for this very certificate (pinning: a self-signed certificate is its own and only authority).</summary>
    public bool IsThisSweeps(X509Certificate2? peer) => peer is not null && peer.RawData.AsSpan().SequenceEqual(Certificate.RawData);

    /// <summary>The seed's: the folder's certificate, created on the sweep's first start (kept across restarts).</summary>
    public static SweepCertificate CreateOrRead(string results) => File.Exists(PathIn(results)) ? Read(results) : Rotate(results);

    /// <summary>A new key pair and certificate for the folder; nodes holding the old one can no longer connect.</summary>
    public static SweepCertificate Rotate(string results)
    {
        var path = PathIn(results);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=asrnn-grid sweep", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(ServerAndClient, false));
        // Pinned, so its dates are not what is trusted; a long validity keeps a long sweep from meeting them at all.
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(50));
        var pfx = created.Export(X509ContentType.Pkcs12);
        DurableFile.WriteAllBytes(path, pfx, OwnerOnly);
        return new SweepCertificate(path, Load(path, pfx));
    }

    /// <summary>A worker's: the certificate the seed created in the results folder, or a message that says why not.</summary>
    public static SweepCertificate Read(string results) => TryRead(results) ?? throw new ConfigurationException(
        Directory.Exists(results)
            ? $"{PathIn(results)}: no sweep key in this results folder (has the seed's `asrnn-grid run` started on it?)"
            : $"{results}: this node cannot see the sweep's results folder (every node must see it at the same path)");

    /// <summary>The folder's certificate, or null while there is none yet (the seed creates it on its first start).</summary>
    public static SweepCertificate? TryRead(string results)
    {
        var path = PathIn(results);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{path}: cannot read the sweep key (run every node as the user who started the seed)");
        }
        return new SweepCertificate(path, Load(path, bytes));
    }

    static X509Certificate2 Load(string path, byte[] pfx)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12(pfx, password: null);
            if (!certificate.HasPrivateKey) throw new CryptographicException("no private key");
            return certificate;
        }
        catch (CryptographicException e)
        {
            throw new ConfigurationException(
                $"{path}: not a readable sweep key ({e.Message}); with the sweep stopped, `asrnn-grid run --rotate-key` makes a new one");
        }
    }
}
