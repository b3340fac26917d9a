using System.Text.Json.Nodes;

namespace AsRnnGrid.Training.Tests;

/// <summary>Float32 training through the fused recurrences stays on the per-step cells' loss curve.</summary>
public class FusedTrainingTests
{
    static double[] Losses(string folder) => File.ReadAllLines(Path.Combine(folder, "metrics.jsonl"))
        .Select(l => JsonNode.Parse(l)!).Where(n => (string)n["kind"]! == "train").Select(n => (double)n["loss"]!).ToArray();

    [Theory]
    [InlineData("asrnn")]
    [InlineData("exprnn")]
    [InlineData("dtriv")]
    [InlineData("scornn")]
    [InlineData("rnn")]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void A_200_iteration_copy_run_stays_within_1e_3_of_the_per_step_loss_curve(string model)
    {
        var curves = new[] { "false", "true" }.Select(fused =>
        {
            var config = TestRuns.TinyCopy(model, ("iterations", "200"), ("fused", fused));
            var folder = TestRuns.NewFolder();
            Assert.Equal("completed", TestRuns.Train(config, folder).Status);
            return Losses(folder);
        }).ToArray();
        Assert.Equal(200, curves[0].Length);
        Assert.Equal(curves[0].Length, curves[1].Length);
        double worst = curves[0].Zip(curves[1], (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-3, $"{model}: the fused loss curve departs by {worst:E2}");
    }

    [Fact]
    public void Tanh_rnn_copy_run_stays_on_the_per_step_curve()
    {
        var curves = new[] { "false", "true" }.Select(fused =>
        {
            var folder = TestRuns.NewFolder();
            Assert.Equal("completed", TestRuns.Train(TestRuns.TinyCopy("rnn", ("nonlinear", "tanh"), ("iterations", "200"), ("fused", fused)), folder).Status);
            return Losses(folder);
        }).ToArray();
        Assert.True(curves[0].Zip(curves[1], (a, b) => Math.Abs(a - b)).Max() <= 1e-3);
    }

    [Fact]
    public void Fused_is_a_trajectory_key()
    {
        var fused = TestRuns.TinyCopy("lstm");
        var cells = TestRuns.TinyCopy("lstm", ("fused", "false"));
        Assert.True(fused.Fused);
        Assert.NotEqual(AsRnnGrid.Training.Configuration.ConfigHash.Compute(fused), AsRnnGrid.Training.Configuration.ConfigHash.Compute(cells));
    }
}
