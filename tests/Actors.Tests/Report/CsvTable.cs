namespace AsRnnGrid.Actors.Tests.Report;

/// <summary>Reads an RFC 4180 CSV (quoted cells with commas, quotes and line breaks) into rows keyed by the header.</summary>
public static class CsvTable
{
    public static List<Dictionary<string, string>> Read(string path)
    {
        var records = Parse(File.ReadAllText(path));
        var header = records[0];
        return records.Skip(1).Select(r =>
        {
            Assert.Equal(header.Count, r.Count);
            return Enumerable.Range(0, header.Count).ToDictionary(i => header[i], i => r[i]);
        }).ToList();
    }

    static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { record.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n') { record.Add(cell.ToString()); cell.Clear(); records.Add(record); record = []; }
            else cell.Append(c);
        }
        if (cell.Length > 0 || record.Count > 0) { record.Add(cell.ToString()); records.Add(record); }
        return records;
    }
}
