using System.Numerics;
using YamlDotNet.Core;

namespace AsRnnGrid.Actors.Grid;

/// <summary>
/// One item of `experiments:` as written: its fixed options, grid axes, variants and seeds, each with its
/// position, before expansion. <see cref="At"/> is the item's first key, <see cref="NameAt"/> its name's value. <see cref="Variants"/> and <see cref="Seeds"/> are empty when the key is absent,
/// <see cref="Scheduler"/> null.
/// </summary>
sealed record ExperimentEntry(
    string Name,
    Mark At,
    Mark NameAt,
    IReadOnlyList<OptionSetting> Fixed,
    IReadOnlyList<GridAxis> Grid,
    IReadOnlyList<Variant> Variants,
    IReadOnlyList<OptionSetting> Seeds,
    SchedulerEntry? Scheduler = null)
{
    /// <summary>How many runs the experiment expands to, counted without expanding it (a grid may name 10^20 points).</summary>
    public BigInteger RunCount => Grid.Aggregate(BigInteger.One, (n, axis) => n * axis.Values.Count)
        * Math.Max(1, Variants.Count) * Math.Max(1, Seeds.Count);
}

/// <summary>One key of `grid:` and the values it takes, in file order.</summary>
sealed record GridAxis(string Key, IReadOnlyList<OptionSetting> Values);

/// <summary>One item of `variants:`: a set of options merged together.</summary>
sealed record Variant(Mark At, IReadOnlyList<OptionSetting> Settings);
