namespace AsRnnGrid.Training.Configuration;

/// <summary>Suggests the closest valid name for a misspelt one (Levenshtein distance).</summary>
public static class NearestName
{
    public static string? Find(string wrong, IEnumerable<string> valid)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var name in valid)
        {
            int d = Distance(wrong.ToLowerInvariant(), name.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (name, d);
        }
        return best is not null && bestDistance <= Math.Max(2, wrong.Length / 2) ? best : null;
    }

    public static string Suggestion(string wrong, IEnumerable<string> valid)
        => Find(wrong, valid) is { } near ? $" (did you mean '{near}'?)" : "";

    static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) row[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
