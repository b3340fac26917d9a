using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;
using AsRnnGrid.Training.Models;
using TorchSharp;

namespace AsRnnGrid.Training.Tests;

/// <summary>N iterations in one go equal the same run stopped at k and resumed to N: parameters bit for bit, metrics line for line.</summary>
public class ResumeExactnessTests
{
    internal static void AssertResumeIsExact(RunConfig config, long stopAfter)
    {
        var straight = TestRuns.NewFolder();
        var interrupted = TestRuns.NewFolder();
        Assert.Equal("completed", TestRuns.Train(config, straight).Status);
        var first = TestRuns.Train(config, interrupted, stopAfter);
        Assert.Equal("stopped", first.Status);
        Assert.Equal(stopAfter, first.Steps);
        var second = TestRuns.Train(config, interrupted);
        Assert.Equal("completed", second.Status);
        Assert.Equal(TestRuns.MetricsWithoutTime(straight), TestRuns.MetricsWithoutTime(interrupted));
        Assert.Equal(TestRuns.FinalModelBytes(straight), TestRuns.FinalModelBytes(interrupted));
    }

    [SkippableTheory]
    [InlineData("asrnn")]
    [InlineData("exprnn")]
    [InlineData("dtriv")]
    [InlineData("scornn")]
    [InlineData("rnn")]
    [InlineData("lstm")]
    [InlineData("nnrnn")]
    [InlineData("enrnn")]
    [InlineData("nru")]
    [InlineData("gru")]
    [InlineData("glstm")]
    public void Copy_run_resumed_midway_is_bit_identical(string model)
        => AssertResumeIsExact(TestRuns.TinyCopy(model), stopAfter: 5);

    /// <summary>
    /// ENRNN's sticky flag: with seed 4, ρ(W2) passes 1 at the second forward and stays below 1 afterwards, so after the
    /// resume at step 5 only the checkpointed flag keeps W̄2 = W2 / ρ(W2) (a re-check would find ρ &lt; 1).
    /// </summary>
    [SkippableFact]
    public void Enrnn_resumed_after_the_normalisation_started_is_bit_identical()
    {
        var config = TestRuns.TinyCopy("enrnn", ("enrnn_n2", "6"), ("random_seed", "4"));
        AssertResumeIsExact(config, stopAfter: 5);
        var folder = TestRuns.NewFolder();
        TestRuns.Train(config, folder);
        var spec = new ModelSpec
        {
            Model = ModelKind.Parse("enrnn"), Nonlinear = "modrelu", Mode = "none", InputSize = 10, HiddenSize = 8, OutputSize = 9, EnrnnN2 = 6, EnrnnNegOnes = 1,
            DecoderInit = "kaiming",
        };
        var model = (EnRnn)ModelFactory.Create(spec, new torch.Generator(1, torch.CPU));
        using (var reader = new BinaryReader(new MemoryStream(TestRuns.FinalModelBytes(folder)))) model.load(reader);
        Assert.True(model.Normalised);
        var w2 = model.named_parameters().First(p => p.name == "w2").parameter;
        Assert.True(torch.linalg.eigvals(w2).abs().max().ToDouble() < 1);
    }

    [SkippableTheory]
    [InlineData("lstm", "identity")]
    [InlineData("gru", "normal")]
    public void Kaf_gated_copy_run_with_chrono_resumed_midway_is_bit_identical(string model, string kafInit)
        => AssertResumeIsExact(TestRuns.TinyCopy(model, ("gate", "kaf"), ("kaf_init", kafInit), ("chrono", "true")), stopAfter: 5);

    [SkippableTheory]
    [InlineData("reconstruct")]
    [InlineData("predict")]
    public void Lstm_with_auxiliary_loss_resumed_midway_is_bit_identical(string aux)
        => AssertResumeIsExact(TestRuns.TinyCopy("lstm", ("aux", aux), ("aux_length", "4"), ("aux_anchors", "2"), ("aux_truncate", "3")), stopAfter: 5);

    [SkippableFact]
    public void Glstm_with_budget_resumed_midway_is_bit_identical()
        => AssertResumeIsExact(TestRuns.TinyCopy("glstm", ("glstm_budget", "1e-3")), stopAfter: 5);

    [SkippableFact]
    public void Dtriv_resumed_across_a_rebase_is_bit_identical()
        => AssertResumeIsExact(TestRuns.TinyCopy("dtriv", ("K", "3"), ("M", "2")), stopAfter: 4);

    [SkippableFact]
    public void Adding_run_resumed_midway_is_bit_identical()
        => AssertResumeIsExact(TestRuns.Config(("task", "adding"), ("model", "asrnn"), ("hidden_size", "8"), ("seq_length", "10"),
            ("batch_size", "8"), ("iterations", "10"), ("log_every", "1"), ("random_seed", "3")), stopAfter: 6);

    [SkippableFact]
    public void Pmnist_resumed_across_an_epoch_boundary_is_bit_identical()
        => AssertResumeIsExact(TestRuns.Config(("task", "pmnist"), ("model", "asrnn"), ("hidden_size", "4"), ("data_dir", MnistSubset.Folder),
            ("train_samples", "48"), ("test_samples", "40"), ("batch_size", "16"), ("eval_batch_size", "20"), ("epochs", "2"), ("log_every", "1")),
            stopAfter: 4);

    [SkippableFact]
    public void Ptb_resumed_across_bptt_windows_is_bit_identical()
    {
        var data = SmallPtbCorpus.Create();
        AssertResumeIsExact(TestRuns.Config(("task", "ptb"), ("model", "asrnn"), ("hidden_size", "8"), ("emsize", "4"), ("data_dir", data),
            ("batch_size", "4"), ("eval_batch_size", "2"), ("bptt", "20"), ("epochs", "2"), ("log_every", "2"), ("a", "0.8"), ("b", "3")),
            stopAfter: 6);
    }

    [SkippableFact]
    public void Ptb_lstm_with_auxiliary_loss_resumed_across_bptt_windows_is_bit_identical()
    {
        var data = SmallPtbCorpus.Create();
        AssertResumeIsExact(TestRuns.Config(("task", "ptb"), ("model", "lstm"), ("aux", "reconstruct"), ("aux_length", "5"), ("aux_truncate", "6"),
            ("hidden_size", "8"), ("emsize", "4"), ("data_dir", data), ("batch_size", "4"), ("eval_batch_size", "2"), ("bptt", "20"),
            ("epochs", "2"), ("log_every", "2")), stopAfter: 6);
    }

    [SkippableFact]
    public void Corrupt_newest_checkpoint_is_set_aside_and_the_previous_one_used()
    {
        var config = TestRuns.TinyCopy("asrnn", ("checkpoint_every", "2"), ("keep_checkpoints", "3"));
        var straight = TestRuns.NewFolder();
        TestRuns.Train(config, straight);
        var folder = TestRuns.NewFolder();
        TestRuns.Train(config, folder, stopAfter: 5);
        var store = new CheckpointStore(folder, 3);
        var newest = store.List()[0];
        var bytes = File.ReadAllBytes(newest);
        File.WriteAllBytes(newest, bytes[..(bytes.Length / 2)]);
        var warnings = new List<string>();
        var loaded = store.LoadLatest(warnings.Add);
        Assert.NotNull(loaded);
        Assert.Equal(4, loaded.Value.Data.Step);
        Assert.True(File.Exists(newest + ".corrupt"));
        Assert.Contains("truncated", Assert.Single(warnings));
        // Resuming from step 4 still ends where the uninterrupted run ends.
        Assert.Equal("completed", TestRuns.Train(config, folder).Status);
        Assert.Equal(TestRuns.MetricsWithoutTime(straight), TestRuns.MetricsWithoutTime(folder));
        Assert.Equal(TestRuns.FinalModelBytes(straight), TestRuns.FinalModelBytes(folder));
    }

    [SkippableFact]
    public void Checkpoint_of_another_configuration_is_refused_naming_the_keys()
    {
        var folder = TestRuns.NewFolder();
        TestRuns.Train(TestRuns.TinyCopy("asrnn"), folder, stopAfter: 3);
        var before = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Length;
        var e = Assert.Throws<ConfigurationException>(() => TestRuns.Train(TestRuns.TinyCopy("asrnn", ("hidden_size", "6"), ("alpha", "0.5")), folder));
        Assert.Contains("hidden_size (8 in the checkpoint, 6 now)", e.Message);
        Assert.Contains("alpha", e.Message);
        Assert.Equal(before, Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Length);
    }

    [SkippableFact]
    public void Restart_keeps_the_old_files_aside()
    {
        var folder = TestRuns.NewFolder();
        var config = TestRuns.TinyCopy("lstm");
        TestRuns.Train(config, folder, stopAfter: 3);
        var observer = new List<string>();
        var result = new TrainingRun(config, folder, new NullObserver(), new TrainingRunOptions { Restart = true }).Run(CancellationToken.None);
        Assert.Equal("completed", result.Status);
        var aside = Assert.Single(Directory.GetDirectories(folder, "previous-*"));
        Assert.True(File.Exists(Path.Combine(aside, "metrics.jsonl")));
        Assert.Single(Directory.GetFiles(Path.Combine(aside, "checkpoints"), "*.ckpt"));
    }

    [SkippableFact]
    public void Checkpoint_file_fails_its_checksum_when_one_byte_changes()
    {
        var folder = TestRuns.NewFolder();
        TestRuns.Train(TestRuns.TinyCopy("exprnn"), folder);
        var path = new CheckpointStore(folder, 2).List()[0];
        var bytes = File.ReadAllBytes(path);
        CheckpointFormat.Deserialize(bytes);
        bytes[bytes.Length / 2] ^= 0x40;
        Assert.Contains("checksum", Assert.Throws<CorruptCheckpointException>(() => CheckpointFormat.Deserialize(bytes)).Message);
    }

    sealed class NullObserver : ITrainingObserver { }
}
