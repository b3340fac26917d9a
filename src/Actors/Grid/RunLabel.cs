using System.Security.Cryptography;
using System.Text;

namespace AsRnnGrid.Actors.Grid;

/// <summary>
/// A run's name within its experiment, for people: its model, then the values in which the experiment's runs differ,
/// in the grid's order (`lstm seed=2`, `asrnn h=32 lr=1e-3 seed=1`). The live table, `status`, the report and
/// TensorBoard name runs by it; the id stays beside it, and folders under runs/ are named by the id.
/// <see cref="Configuration"/> is the label without the seed: what the report's rows and curves (a mean over seeds) are named by.
/// Labels are made by <see cref="RunLabels"/>, unique within their experiment.
/// </summary>
public sealed record RunLabel(string Text, string Configuration)
{
    /// <summary>A label that is the text alone (a run planned outside a sweep file: the bench, a hand-made plan).</summary>
    public static RunLabel Plain(string text) => new(text, text);

    /// <summary>results/tensorboard/&lt;experiment&gt;/&lt;label&gt;/: `tensorboard --logdir results/tensorboard` shows an experiment's runs side by side by their labels.</summary>
    public string TensorBoardFolder(string results, string experiment) => Path.Combine(results, "tensorboard", FolderName(experiment), FolderName(Text));

    /// <summary>The label as one folder name: characters no file name may hold become '_'; a very long label is cut and a hash of it added.</summary>
    public static string FolderName(string text)
    {
        var name = new StringBuilder(text.Length);
        foreach (var c in text) name.Append(char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c);
        if (name.ToString() is "." or "..") name.Replace('.', '_');
        // File systems allow 255 bytes a name; a cut label stays unique by the hash of the whole.
        const int Longest = 160;
        if (Encoding.UTF8.GetByteCount(name.ToString()) <= Longest) return name.ToString();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
        while (Encoding.UTF8.GetByteCount(name.ToString()) > Longest - 9) name.Length--;
        return name + "~" + hash;
    }

    public override string ToString() => Text;
}
