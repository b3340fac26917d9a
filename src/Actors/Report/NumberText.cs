using System.Globalization;

namespace AsRnnGrid.Actors.Report;

/// <summary>How the human-readable tables (markdown, HTML) print numbers.</summary>
public static class NumberText
{
    /// <summary>"0.01234 ± 0.00051 (n=3)"; small values (a copy loss near 0) in scientific notation.</summary>
    public static string MeanStd(SeedStatistics? s, int decimals)
    {
        if (s is not { } v) return "—";
        var text = Fixed(v.Mean, decimals);
        if (v.Std is { } std) text += " ± " + Fixed(std, decimals);
        return text + $" (n={v.Count})";
    }

    public static string Fixed(double? value, int decimals)
    {
        if (value is not { } v) return "—";
        if (v != 0 && Math.Abs(v) < Math.Pow(10, -decimals + 1)) return v.ToString("0.00e+0", CultureInfo.InvariantCulture);
        return v.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    /// <summary>16358 → "16,358".</summary>
    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
