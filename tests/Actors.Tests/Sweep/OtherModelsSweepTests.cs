using System.Text.Json;
using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Loop;
using Xunit.Abstractions;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>Every model of the seed papers in one sweep file beside asRNN, on the copy and adding tasks, trained by real child processes.</summary>
public sealed class OtherModelsSweepTests(ITestOutputHelper output)
{
    const string Variants = """
            variants:
              - {model: asrnn}
              - {model: nnrnn}
              - {model: enrnn, enrnn_n2: 3}
              - {model: nru, nru_memory: 4, nru_heads: 1}
              - {model: gru, chrono: true}
              - {model: glstm, glstm_budget: 1.0e-4}
              - {model: lstm, gate: kaf}
              - {model: gru, gate: kaf}
              - {model: lstm, aux: reconstruct, aux_length: 3, aux_truncate: 4}
              - {model: lstm, aux: predict, aux_length: 3, aux_truncate: 4}
        """;

    [Fact]
    public async Task Each_model_trains_in_a_sweep_beside_asrnn_on_copy_and_adding()
    {
        var (file, results) = TestSweeps.WriteSweepFile($"""
            results: results
            defaults:
              hidden_size: 8
              batch_size: 8
              iterations: 30
              rmsprop_lr: 1.0e-2
              rmsprop_constr_lr: 1.0e-3
              log_every: 10
            experiments:
              - name: copy
                task: copy
                recall_length: 3
                delay_length: 5
                copy_recall_offset: 1
            {Variants}
                seeds: [1]
              - name: adding
                task: adding
                seq_length: 10
            {Variants}
                seeds: [1]
            """);
        var sweep = SweepFileReader.Read(file);
        Assert.Equal(20, sweep.Runs.Count);
        await using (var host = SweepHost.Start(sweep, TestSweeps.Options(2, log: output.WriteLine)))
        {
            var ended = await host.Ended.WaitAsync(TimeSpan.FromMinutes(5));
            Assert.Equal((SweepEnd.Finished, 20, 0), (ended.State, ended.Completed, ended.Failed));
        }
        var status = SweepStatus.Read(results)!;
        Assert.Equal(20, status.Runs.Count);
        foreach (var r in status.Runs)
        {
            var result = JsonSerializer.Deserialize<RunResult>(File.ReadAllText(Path.Combine(results, r.Folder, "result.json")))!;
            Assert.Equal("completed", result.Status);
            Assert.Equal(30, result.Steps);
            Assert.True(result.Parameters > 0, r.Folder);
            Assert.True(result.FinalLoss is { } loss && double.IsFinite(loss), r.Folder);
        }
        Assert.Equal(["asrnn", "enrnn", "glstm", "gru", "lstm", "nnrnn", "nru"],
            sweep.Runs.Select(r => r.Config.Model.Name).Distinct().Order().ToArray());
    }
}
