using System.Buffers.Binary;
using System.Numerics;
using System.Text.Json.Nodes;
using Tensorboard;

namespace AsRnnGrid.Tests;

/// <summary>
/// Reads TensorBoard event files as TensorBoard does, independently of the code that writes them: each TFRecord's length,
/// the masked CRC-32C of the length and of the data (computed here with <see cref="BitOperations.Crc32C(uint, byte)"/>,
/// not TorchSharp's), then the Event protobuf; and holds a run's events against its metrics.jsonl, field by field.
/// </summary>
public static class TensorBoardFiles
{
    /// <summary>The tag each metrics.jsonl field is drawn under, by kind of point; fields that are no scalar are listed apart.</summary>
    static readonly Dictionary<string, string> TrainTags = new()
    {
        ["loss"] = "loss/train", ["accuracy"] = "accuracy/train", ["bpc"] = "bpc/train", ["baseline"] = "loss/baseline",
        ["grad_norm"] = "gradient/norm", ["lr"] = "learning_rate/main", ["lr_recurrent"] = "learning_rate/recurrent",
        ["iterations_per_second"] = "speed/iterations_per_second",
    };

    static readonly Dictionary<string, string?> EvalTags = new()
    {
        ["loss"] = "loss/train_epoch", ["accuracy"] = "accuracy/train_epoch", ["bpc"] = "bpc/train_epoch",
        ["test_loss"] = "loss/test", ["test_accuracy"] = "accuracy/test", ["valid_accuracy"] = "accuracy/valid",
        ["valid_bpc"] = "bpc/valid", ["test_bpc"] = "bpc/test",
        // An epoch's rates are the next train point's (they are drawn from train points only).
        ["lr"] = null, ["lr_recurrent"] = null,
    };

    static readonly HashSet<string> NotScalars = ["kind", "step", "epoch", "elapsed", "wall_time"];

    /// <summary>Every event of one file, in order; a record whose length or checksum does not hold fails the test.</summary>
    public static List<Event> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        int at = 0;
        while (at < bytes.Length)
        {
            Assert.True(bytes.Length - at >= 12, $"{path}: a torn record header at byte {at}");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            Assert.Equal(MaskedCrc32C(bytes.AsSpan(at, 8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)));
            Assert.True((ulong)(bytes.Length - at - 16) >= length, $"{path}: a torn record at byte {at}");
            var data = bytes.AsSpan(at + 12, (int)length);
            Assert.Equal(MaskedCrc32C(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + (int)length)));
            // TorchSharp's generated types parse byte arrays (not spans).
            events.Add(Event.Parser.ParseFrom(data.ToArray()));
            at += 16 + (int)length;
        }
        return events;
    }

    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        crc ^= 0xFFFFFFFFu;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    /// <summary>The one event file of a run's TensorBoard folder.</summary>
    public static string SingleFile(string folder)
    {
        var files = Directory.GetFiles(folder).Where(f => Path.GetFileName(f).Contains("tfevents")).ToArray();
        return Assert.Single(files);
    }

    /// <summary>
    /// Holds the folder's one event file to be the image of <paramref name="metrics"/>: the file version, run.yaml as text at step 0,
    /// then one event per line of the log, in order, with its step, its wall time and exactly its scalar fields (as single
    /// precision) under their tags. Returns the run.yaml text the file holds.
    /// </summary>
    public static string AssertMirrors(string folder, string metrics)
    {
        var events = Read(SingleFile(folder));
        var lines = File.ReadAllLines(metrics).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var text = events[1].Summary.Value.Single();
        Assert.Equal("run.yaml/text_summary", text.Tag);
        Assert.Equal("text", text.Metadata.PluginData.PluginName);
        Assert.Equal(0, events[1].Step);
        Assert.Equal(lines.Count, events.Count - 2);
        for (int i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var e = events[i + 2];
            Assert.Equal((long)line["step"]!, e.Step);
            Assert.Equal((double)line["wall_time"]!, e.WallTime);
            var tags = (string)line["kind"]! == "eval" ? EvalTags! : TrainTags.ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
            var expected = new Dictionary<string, float>();
            foreach (var (key, value) in line)
            {
                if (NotScalars.Contains(key)) continue;
                Assert.True(tags.TryGetValue(key, out var tag), $"metrics.jsonl field '{key}' has no TensorBoard tag here");
                if (tag is not null) expected[tag] = (float)(double)value!;
            }
            var actual = e.Summary.Value.ToDictionary(v => v.Tag, v => v.SimpleValue);
            Assert.Equal(expected.OrderBy(kv => kv.Key), actual.OrderBy(kv => kv.Key));
        }
        return string.Concat(text.Tensor.StringVal.Select(s => s.ToStringUtf8()));
    }
}
