using System.Text;
using System.Text.Json;

namespace AsRnnGrid.Training.Loop;

/// <summary>
/// Reads a metrics.jsonl that its run may still be appending to: opened for sharing (the writer keeps it open),
/// and a last line without its newline (written halfway) is left out, as the next report will see it whole.
/// </summary>
public static class MetricsLog
{
    public static IReadOnlyList<MetricsPoint> Read(string path, Action<string> warn)
    {
        if (!File.Exists(path)) return [];
        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var memory = new MemoryStream())
        {
            stream.CopyTo(memory);
            bytes = memory.ToArray();
        }
        var text = Encoding.UTF8.GetString(bytes);
        int complete = text.LastIndexOf('\n') + 1;
        var points = new List<MetricsPoint>();
        var lines = text[..complete].Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            try
            {
                if (JsonSerializer.Deserialize<MetricsPoint>(line, MetricsJson.Options) is { } point) points.Add(point);
            }
            catch (JsonException e)
            {
                warn($"{path}:{i + 1}: line left out, not a metrics point ({e.Message.Split('.', 2)[0]})");
            }
        }
        return points;
    }
}
