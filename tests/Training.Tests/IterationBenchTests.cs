using AsRnnGrid.Training.Bench;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Training.Tests;

public class IterationBenchTests
{
    static readonly BenchSettings Tiny = new() { Batch = 3, SeqLength = 22, Iterations = 3, Warmup = 1, CheckpointWrites = 2 };

    [Theory]
    [InlineData("pmnist", "asrnn")]
    [InlineData("pmnist", "lstm")]
    [InlineData("ptb", "asrnn")]
    [InlineData("copy", "dtriv")]
    public void A_case_gives_positive_finite_times_and_a_checkpoint(string task, string model)
    {
        var row = IterationBench.Measure(new BenchCase(task, model, 6), Tiny);
        Assert.Equal($"{task}:{model}:6", row.Case);
        Assert.Equal(3, row.Batch);
        Assert.Equal(22, row.SeqLength);
        foreach (var value in new[] { row.MsPerIteration, row.MsMin, row.MsMax, row.IterationsPerSecond, row.CheckpointMs, row.CheckpointShare })
            Assert.True(double.IsFinite(value) && value > 0, $"{value}");
        Assert.InRange(row.MsPerIteration, row.MsMin, row.MsMax);
        Assert.Equal(1000.0 / row.MsPerIteration, row.IterationsPerSecond, 9);
        Assert.True(row.CheckpointBytes > 1000);
        Assert.True(row.Parameters > 0);
        Assert.Equal("process peak RSS", row.MemoryKind);
        Assert.True(row.PeakMemoryMb > 0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_row_says_which_recurrence_it_timed(bool fused)
    {
        var row = IterationBench.Measure(new BenchCase("pmnist", "lstm", 5), Tiny with { Fused = fused });
        Assert.Equal(fused, row.Fused);
        Assert.Equal(fused, IterationBench.ConfigFor(new BenchCase("pmnist", "lstm", 5), Tiny with { Fused = fused }).Fused);
    }

    [Fact]
    public void The_mnist_checkpoint_carries_the_sixty_thousand_sample_order_as_the_real_session_does()
    {
        // 60000 int32 in base64 are 320 kB: the bulk of a small model's checkpoint, so it must be in the timing.
        var row = IterationBench.Measure(new BenchCase("pmnist", "asrnn", 4), Tiny);
        Assert.True(row.CheckpointBytes > 320_000, $"{row.CheckpointBytes} bytes");
    }

    [Fact]
    public void Paper_shapes_are_the_defaults()
    {
        var settings = new BenchSettings();
        Assert.Equal(784, settings.SeqLengthFor(new BenchCase("pmnist", "asrnn", 122)));
        Assert.Equal(150, settings.SeqLengthFor(new BenchCase("ptb", "asrnn", 1024)));
        Assert.Equal(128, settings.BatchFor(new BenchCase("ptb", "asrnn", 1024)));
        var config = IterationBench.ConfigFor(new BenchCase("ptb", "asrnn", 1024), settings);
        Assert.Equal(150, config.Bptt);
        Assert.Equal(1024, config.HiddenSize);
        Assert.Contains(new BenchCase("pmnist", "asrnn", 364), BenchCase.PaperDefaults);
        Assert.Contains(new BenchCase("ptb", "asrnn", 1024), BenchCase.PaperDefaults);
    }

    [Theory]
    [InlineData(new double[] { 3, 1, 2 }, 2)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 2.5)]
    public void Median_of_odd_and_even_samples(double[] values, double expected) => Assert.Equal(expected, Median.Of(values));

    [Fact]
    public void A_copy_case_shorter_than_its_digits_is_refused()
    {
        var e = Assert.Throws<ConfigurationException>(() => IterationBench.ConfigFor(new BenchCase("copy", "asrnn", 8), Tiny with { SeqLength = 10 }));
        Assert.Contains("at least 21", e.Message);
    }
}
