using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using AsRnnGrid.Actors.Report;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Tests.Report;

[Collection(FinishedSweepCollection.Name)]
public sealed class ReportTests(FinishedSweep sweep) : IDisposable
{
    readonly string _out = Directory.CreateTempSubdirectory("asrnn-report-out-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_out, recursive: true); }
        catch (IOException) { /* best effort */ }
    }

    ReportBuilder.Output Build() => ReportBuilder.Build(sweep.Results, _out);

    List<Dictionary<string, string>> CsvRows()
    {
        Build();
        return CsvTable.Read(Path.Combine(_out, "summary.csv"));
    }

    /// <summary>result.json read here, without the report's types: the numbers the CSV must repeat.</summary>
    JsonElement ResultOf(RunStatus run) => JsonDocument.Parse(File.ReadAllText(Path.Combine(sweep.Folder(run), "result.json"))).RootElement;

    static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("asrnn")]
    [InlineData("lstm")]
    public void Csv_values_equal_the_runs_results(string model)
    {
        var row = Assert.Single(CsvRows(), r => r["experiment"] == "copy" && r["model"] == model);
        var completed = sweep.Runs.Where(r => r.Experiment == "copy" && r.Model == model && r.State == RunState.Completed).ToList();
        Assert.Equal(2, completed.Count);
        var losses = completed.Select(r => ResultOf(r).GetProperty("final_loss").GetDouble()).ToArray();
        double mean = (losses[0] + losses[1]) / 2;
        double std = Math.Abs(losses[0] - losses[1]) / Math.Sqrt(2); // sample std of two values

        Assert.Equal("copy", row["task"]);
        Assert.Equal("8", row["hidden_size"]);
        Assert.Equal("final_loss", row["metric"]);
        Assert.Equal(mean, Parse(row["mean"]), 1e-12);
        Assert.Equal(std, Parse(row["std"]), 1e-12);
        Assert.Equal("2", row["n"]);
        Assert.Equal(ResultOf(completed[0]).GetProperty("parameters").GetInt64().ToString(CultureInfo.InvariantCulture), row["parameters"]);
        Assert.Equal(ResultOf(completed[0]).GetProperty("baseline").GetDouble(), Parse(row["baseline"]));
        Assert.Equal(ResultOf(completed[1]).GetProperty("baseline").GetDouble(), Parse(row["baseline"]));
        // Copy with delay 5 and 3 digits is not a configuration of §7.2 (delay 1000 or 2000, K = 10).
        Assert.Equal("", row["published"]);
    }

    [Fact]
    public void Failed_and_running_runs_are_reported_with_their_state()
    {
        var rows = CsvRows();
        var asrnn = Assert.Single(rows, r => r["experiment"] == "copy" && r["model"] == "asrnn");
        Assert.Equal(("2", "1", "0"), (asrnn["completed"], asrnn["failed"], asrnn["running"]));
        Assert.Contains($"1 failed (seed 3: {FinishedSweep.FailReason})", asrnn["states"]);

        var lstm = Assert.Single(rows, r => r["experiment"] == "copy" && r["model"] == "lstm");
        Assert.Equal(("2", "0", "1"), (lstm["completed"], lstm["failed"], lstm["running"]));
        // The running run logged every 5 steps; its half-written eighth line is not counted.
        Assert.Contains($"1 running (seed 3: step {5 * FinishedSweep.RunningLines})", lstm["states"]);

        var markdown = File.ReadAllText(Path.Combine(_out, "summary.md"));
        Assert.Contains(FinishedSweep.FailReason, markdown);
        Assert.Contains($"seed 3: step {5 * FinishedSweep.RunningLines}", markdown);
        var html = XDocument.Parse(File.ReadAllText(Path.Combine(_out, "index.html")));
        Assert.Contains(html.Descendants().Where(e => e.Name.LocalName == "td"), td => td.Value.Contains(FinishedSweep.FailReason));
    }

    [Fact]
    public void A_half_written_last_line_is_left_out_without_a_warning()
    {
        var running = sweep.Runs.Single(r => r.Experiment == "copy" && r.State == RunState.Running);
        var warnings = new List<string>();
        var points = MetricsLog.Read(Path.Combine(sweep.Folder(running), "metrics.jsonl"), warnings.Add);
        Assert.Equal(FinishedSweep.RunningLines, points.Count);
        Assert.Equal(5 * FinishedSweep.RunningLines, points[^1].Step);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Unstarted_runs_are_counted_by_building_their_model_and_matched_with_the_paper()
    {
        var rows = CsvRows().Where(r => r["experiment"] == FinishedSweep.MnistExperiment).ToList();
        var asrnn = Assert.Single(rows, r => r["model"] == "asrnn");
        Assert.Equal("16358", asrnn["parameters"]);
        Assert.Equal("98.89%", asrnn["published"]);
        Assert.Equal(98.89, Parse(asrnn["published_value"]));
        Assert.Equal("16358", asrnn["published_parameters"]);
        Assert.StartsWith("§7.1", asrnn["published_source"]);
        Assert.Equal(("", "0"), (asrnn["mean"], asrnn["n"]));
        Assert.Equal("1 running (seed 1: step 0)", asrnn["states"]);

        var exprnn = Assert.Single(rows, r => r["model"] == "exprnn");
        Assert.Equal("16415", exprnn["parameters"]);
        Assert.Equal("1 pending", exprnn["states"]);
    }

    [Fact]
    public void Plots_are_png_and_svg_of_the_expected_size()
    {
        var output = Build();
        Assert.Equal(2, output.Experiments.Count);
        foreach (var e in output.Experiments)
        {
            var png = File.ReadAllBytes(Path.Combine(_out, e.PlotName + ".png"));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
            Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
            Assert.Equal(ReportFiles.PlotWidth, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
            Assert.Equal(ReportFiles.PlotHeight, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));

            var svg = XDocument.Load(Path.Combine(_out, e.PlotName + ".svg")).Root!;
            Assert.Equal(XName.Get("svg", "http://www.w3.org/2000/svg"), svg.Name);
            Assert.Equal(ReportFiles.PlotWidth.ToString(CultureInfo.InvariantCulture), svg.Attribute("width")!.Value);
            Assert.Equal(ReportFiles.PlotHeight.ToString(CultureInfo.InvariantCulture), svg.Attribute("height")!.Value);
        }
        // The copy figure has a curve per model, the baseline and axis labels with units.
        var copy = XDocument.Load(Path.Combine(_out, "plot-copy.svg"));
        var texts = copy.Descendants().Where(x => x.Name.LocalName == "text").Select(x => x.Value).ToList();
        string Joined(IEnumerable<string> parts) => string.Join("", parts);
        var all = Joined(texts);
        Assert.Contains("iterations", all);
        Assert.Contains("training cross-entropy (nats)", all);
        // Rows are named by the runs' label without the seed: the model alone where only model and seed vary.
        Assert.Contains("asrnn (3 seeds)", all);
        Assert.Contains("lstm (3 seeds)", all);
        Assert.Contains("baseline", all);
    }

    [Fact]
    public void Index_html_parses_escapes_text_and_references_no_file()
    {
        var output = Build();
        var text = File.ReadAllText(Path.Combine(_out, "index.html"));
        Assert.StartsWith("<!DOCTYPE html>", text);
        var page = XDocument.Parse(text);
        var elements = page.Descendants().ToList();
        // Self-contained: no src, no href but in-page fragments, no url() but to in-page ids.
        Assert.DoesNotContain(elements.SelectMany(e => e.Attributes()), a => a.Name.LocalName == "src");
        Assert.All(elements.SelectMany(e => e.Attributes()).Where(a => a.Name.LocalName == "href"), a => Assert.StartsWith("#", a.Value));
        var ids = elements.Select(e => e.Attribute("id")?.Value).OfType<string>().ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var url in elements.SelectMany(e => e.Attributes()).SelectMany(a => System.Text.RegularExpressions.Regex.Matches(a.Value, @"url\(#([^)]+)\)")))
            Assert.Contains(url.Groups[1].Value, ids);

        Assert.Equal(output.Experiments.Count, elements.Count(e => e.Name.LocalName == "svg"));
        Assert.Equal(output.Experiments.Count, elements.Count(e => e.Name.LocalName == "table"));
        // The experiment's name with <, > and & is text of the page, not markup.
        Assert.Contains(elements.Where(e => e.Name.LocalName == "h2"), h => h.Value == $"{FinishedSweep.MnistExperiment} (task smnist)");
        Assert.Contains("mnist &lt;16k&gt; &amp; co", text);
    }

    /// <summary>
    /// A sweep that ran before runs wrote TensorBoard events: the report writes each run's from its metrics.jsonl (by experiment
    /// and label) and changes nothing else; a second report changes nothing at all.
    /// </summary>
    [Fact]
    public void The_results_folder_is_left_untouched_but_for_the_missing_tensorboard_events()
    {
        var results = CopyOf(sweep.Results);
        try
        {
            var board = Path.Combine(results, "tensorboard");
            var before = Snapshot(results);
            var output = ReportBuilder.Build(results, _out);
            Assert.Equal(before, Snapshot(results).Where(f => !f.StartsWith(board, StringComparison.Ordinal)));
            // Every copy run that logged (the failed one and the running one's whole lines too); the MNIST runs logged nothing.
            Assert.Equal(6, output.TensorBoardWritten);
            Assert.Equal(["asrnn seed=1", "asrnn seed=2", "asrnn seed=3", "lstm seed=1", "lstm seed=2", "lstm seed=3"],
                Directory.GetDirectories(Path.Combine(board, "copy")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            foreach (var run in sweep.Runs.Where(r => r.Experiment == "copy" && r.State != RunState.Running))
                TensorBoardFiles.AssertMirrors(Path.Combine(board, "copy", $"{run.Model} seed={run.Seed}"), Path.Combine(results, run.Folder, "metrics.jsonl"));
            Assert.Equal(FinishedSweep.RunningLines + 2, TensorBoardFiles.Read(TensorBoardFiles.SingleFile(Path.Combine(board, "copy", "lstm seed=3"))).Count);

            var after = Snapshot(results);
            Assert.Equal(0, ReportBuilder.Build(results, _out).TensorBoardWritten);
            Assert.Equal(after, Snapshot(results));
        }
        finally { Directory.Delete(results, recursive: true); }
    }

    /// <summary>The sweep's labels name the rows and the TensorBoard folders; a run whose folder a train process holds is left to it.</summary>
    [Fact]
    public void The_sweeps_labels_name_rows_and_folders_and_a_held_run_is_left_to_its_process()
    {
        var results = CopyOf(sweep.Results);
        try
        {
            string Label(RunStatus r) => r.Experiment == "copy" ? $"{r.Model} lr=1e-2 seed={r.Seed}" : r.Model;
            string Configuration(RunStatus r) => r.Experiment == "copy" ? $"{r.Model} lr=1e-2" : r.Model;
            var status = SweepStatus.Read(results)!;
            (status with { Runs = status.Runs.Select(r => r with { Label = Label(r), ConfigurationLabel = Configuration(r) }).ToList() }).Write(results);
            var held = sweep.Runs.First(r => r.Experiment == "copy" && r.State == RunState.Completed);
            using (var hold = AsRnnGrid.Training.Checkpoints.ExclusiveLock.TryTake(Path.Combine(results, held.Folder, ".lock"), TimeSpan.Zero))
            {
                Assert.NotNull(hold);
                Assert.Equal(5, ReportBuilder.Build(results, _out).TensorBoardWritten);
                Assert.False(Directory.Exists(Path.Combine(results, "tensorboard", "copy", Label(held))));
            }
            Assert.Equal(1, ReportBuilder.Build(results, _out).TensorBoardWritten);
            Assert.True(Directory.Exists(Path.Combine(results, "tensorboard", "copy", Label(held))));
            var rows = CsvTable.Read(Path.Combine(_out, "summary.csv"));
            Assert.Equal(["asrnn lr=1e-2", "lstm lr=1e-2", "asrnn", "exprnn"], rows.Select(r => r["configuration"]));
        }
        finally { Directory.Delete(results, recursive: true); }
    }

    static string CopyOf(string folder)
    {
        var copy = Directory.CreateTempSubdirectory("asrnn-report-copy-").FullName;
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(file));
        }
        return copy;
    }

    [Fact]
    public void Without_a_status_file_the_run_folders_are_read()
    {
        var results = Directory.CreateTempSubdirectory("asrnn-report-scan-").FullName;
        try
        {
            foreach (var run in sweep.Runs.Where(r => r.Experiment == "copy"))
            {
                var target = Path.Combine(results, run.Folder);
                Directory.CreateDirectory(target);
                foreach (var file in new[] { "run.yaml", "metrics.jsonl", "result.json" }.Select(f => Path.Combine(sweep.Folder(run), f)).Where(File.Exists))
                    File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
            var warnings = new List<string>();
            var runs = ResultsFolder.Read(results, warnings.Add);
            Assert.Equal(6, runs.Count);
            Assert.All(runs, r => Assert.Equal("copy", r.Experiment));
            Assert.Equal(4, runs.Count(r => r.State == "completed"));
            // No supervisor to say "failed": a folder without a result is reported as running.
            Assert.Equal(2, runs.Count(r => r.State == "running"));
            Assert.Empty(warnings);
        }
        finally { Directory.Delete(results, recursive: true); }
    }

    [Fact]
    public void A_folder_that_is_no_results_folder_is_refused_in_one_line()
    {
        var empty = Directory.CreateTempSubdirectory("asrnn-report-empty-").FullName;
        try
        {
            var e = Assert.Throws<Training.Configuration.ConfigurationException>(() => ReportBuilder.Build(empty, _out));
            Assert.Contains(empty, e.Message);
            Assert.DoesNotContain('\n', e.Message);
            File.WriteAllText(SweepStatus.PathIn(empty), "{\n  \"sweep_file\": \"x\",\n  \"runs\": [ oops ]\n}\n");
            e = Assert.Throws<Training.Configuration.ConfigurationException>(() => ReportBuilder.Build(empty, _out));
            Assert.StartsWith(SweepStatus.PathIn(empty) + ":3:", e.Message);
            new SweepStatus
            {
                SweepFile = "x", Updated = DateTimeOffset.UtcNow, State = SweepState.Running,
                Runs = [new RunStatus { Id = "r-1", Experiment = "r", Task = "cpoy", Model = "asrnn", State = RunState.Pending, Folder = "runs/r-1" }],
            }.Write(empty);
            e = Assert.Throws<Training.Configuration.ConfigurationException>(() => ReportBuilder.Build(empty, _out));
            Assert.Equal($"{SweepStatus.PathIn(empty)}: run r-1: unknown task 'cpoy' (expected copy, adding, smnist, pmnist or ptb)", e.Message);
        }
        finally { Directory.Delete(empty, recursive: true); }
    }

    static List<string> Snapshot(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        .Select(f => $"{f} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}")
        .ToList();
}
