using System.Globalization;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Cluster;

/// <summary>
/// Where a worker joins the sweep (`worker --join HOST:PORT`): checked once, where the person's text is read. Akka would
/// take `127.0.0.1:99999` or `!!@@:4053` as far as a UriFormatException, and `HOST:0` (no seed listens on port 0) would
/// be retried for ever.
/// </summary>
public sealed record SeedAddress(string Host, int Port)
{
    public static SeedAddress Parse(string text)
    {
        const string Shape = "is not HOST:PORT (the seed's address, as its `asrnn-grid run` prints it)";
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) throw new ConfigurationException($"--join: '{text}' {Shape}");
        var host = text[..colon];
        var portText = text[(colon + 1)..];
        // An IPv6 address is written in brackets: [::1]:4053.
        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            throw new ConfigurationException($"--join: '{text}' {Shape}");
        if (port is < 1 or > 65535)
            throw new ConfigurationException($"--join: port {portText} of '{text}' is not a port a seed listens on (1 to 65535)");
        if (Uri.CheckHostName(bare) == UriHostNameType.Unknown || (bare != host && Uri.CheckHostName(bare) != UriHostNameType.IPv6))
            throw new ConfigurationException($"--join: '{host}' of '{text}' is neither a host name nor an IP address");
        return new SeedAddress(host, port);
    }

    public override string ToString() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
