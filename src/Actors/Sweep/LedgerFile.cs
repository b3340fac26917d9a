using System.Text.RegularExpressions;
using AsRnnGrid.Training.Configuration;
using Microsoft.Data.Sqlite;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// The ledger's SQLite file, looked at before the supervisor's journal opens it. Akka.Persistence.Sql restarts a journal
/// it cannot open for ever, with a stack trace each time, and gives up on the supervisor only after its recovery
/// timeout: a file cut in half, random bytes or a folder are found here instead, in milliseconds, and refused with what
/// to do. <see cref="SetAside"/> keeps a damaged ledger beside the new one for `run --rebuild-ledger`.
/// </summary>
public static partial class LedgerFile
{
    public const string DefaultName = "ledger.db";

    /// <summary>The tables (and their columns) Akka.Persistence.Sql reads; a database without them is not a ledger.</summary>
    static readonly (string Table, string Columns)[] Tables =
    [
        ("journal", "ordering, created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid"),
        ("snapshot", "persistence_id, sequence_number, created, snapshot, manifest, serializer_id"),
    ];

    /// <summary>The ledger of a results folder: `--ledger` where given, else &lt;results&gt;/ledger.db; absolute.</summary>
    public static string PathFor(string results, string? ledgerOption) => Path.GetFullPath(ledgerOption ?? Path.Combine(results, DefaultName));

    /// <summary>
    /// Refuses a ledger path that is a folder or under a file, and a file that is not a readable ledger, with one
    /// <see cref="ConfigurationException"/> that names the file and says what to do. An absent or empty file is a new ledger.
    /// </summary>
    public static void Check(string path, string results)
    {
        CheckPlace(path);
        if (Damage(path) is { } damage)
            throw new ConfigurationException(
                $"{path}: the ledger cannot be read ({damage}). The run folders under {Path.Combine(results, "runs")} keep every checkpoint and result: " +
                "run the same command with --rebuild-ledger to rebuild the ledger from them (the damaged file is kept aside)");
    }

    /// <summary>Refuses a ledger path that cannot be a file: a folder, or a path under a file.</summary>
    public static void CheckPlace(string path)
    {
        if (Directory.Exists(path))
            throw new ConfigurationException($"{path}: is a folder, not a ledger file (--ledger names the SQLite file itself, such as {Path.Combine(path, DefaultName)})");
        if (FolderPath.Problem(Path.GetDirectoryName(path)!) is { } problem)
            throw new ConfigurationException($"{path}: the ledger's folder {Path.GetDirectoryName(path)} {problem}");
    }

    /// <summary>What is wrong with the ledger file, or null where it is absent, empty or readable. Changes nothing in a readable file.</summary>
    public static string? Damage(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0) return null;
        var connection = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
        try
        {
            using var db = new SqliteConnection(connection);
            db.Open();
            // quick_check reads every page (a file cut short, a page overwritten), without the index cross-checks of integrity_check.
            var check = Scalar(db, "PRAGMA quick_check(1)");
            if (check != "ok") return $"damaged: {check}";
            var tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            using (var list = db.CreateCommand())
            {
                list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
                using var reader = list.ExecuteReader();
                while (reader.Read()) tables.Add(reader.GetString(0));
            }
            // A new ledger has no tables yet (the journal creates them); one that has tables must have the journal's.
            if (tables.Count > 0 && !tables.Contains("journal"))
                return "an SQLite database, but not a ledger: it has no journal table";
            foreach (var (table, columns) in Tables.Where(t => tables.Contains(t.Table)))
            {
                try
                {
                    Scalar(db, $"SELECT {columns} FROM {table} LIMIT 0");
                }
                catch (SqliteException)
                {
                    return $"an SQLite database, but not a ledger: its {table} table lacks the ledger's columns";
                }
            }
            return null;
        }
        catch (SqliteException e)
        {
            return SqliteMessage().Match(e.Message) is { Success: true } m ? m.Groups[1].Value : e.Message;
        }
    }

    /// <summary>
    /// Moves the ledger file (and SQLite's journal files beside it) to `NAME.WHY-TIME` and returns that path; nothing is
    /// deleted. Null where there was no file.
    /// </summary>
    public static string? SetAside(string path, string why)
    {
        if (!File.Exists(path)) return null;
        var aside = $"{path}.{why}-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}";
        for (int n = 2; File.Exists(aside); n++) aside = $"{path}.{why}-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{n}";
        foreach (var suffix in new[] { "-journal", "-wal", "-shm" })
            if (File.Exists(path + suffix)) File.Move(path + suffix, aside + suffix);
        File.Move(path, aside);
        return aside;
    }

    static string? Scalar(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()?.ToString();
    }

    /// <summary>"SQLite Error 26: 'file is not a database'." → "file is not a database".</summary>
    [GeneratedRegex(@"^SQLite Error \d+: '(.*)'\.?$")]
    private static partial Regex SqliteMessage();
}
