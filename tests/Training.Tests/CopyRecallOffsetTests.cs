using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tests;

public class CopyRecallOffsetTests
{
    /// <summary>Keeps the inputs it is given and predicts uniformly, so the task's batches can be inspected.</summary>
    sealed class RecordingModel : SequenceModel
    {
        readonly Parameter _bias = new(torch.zeros(9), requires_grad: true);
        public Tensor? Input;
        public RecordingModel() : base("recording") => register_parameter("bias", _bias);
        public override (Tensor Output, RecurrentState State) Forward(Tensor input, RecurrentState? state, Readout readout)
        {
            Input = input.detach().clone();
            return (_bias.expand(input.shape[0], input.shape[1], 9), new RecurrentState());
        }
        public override IReadOnlyList<ParameterGroup> ParameterGroups() => [new("main", [_bias], GroupRate.Main)];
        public override long ParameterCount => 9;
        public override void OnParametersUpdated() { }
    }

    [Theory]
    [InlineData(0, 3 + 5)]      // REF: the marker at K + L, the first digit due there
    [InlineData(1, 3 + 5 - 1)]  // nnRNN, scoRNN, ENRNN: the marker one step earlier, recall one step after it
    public void Marker_sits_where_the_offset_puts_it(int offset, int marker)
    {
        var config = TestRuns.TinyCopy("lstm", ("copy_recall_offset", offset.ToString()));
        using var task = TaskSession.Create(config, torch.CPU, ScalarType.Float32);
        var model = new RecordingModel();
        task.TrainingForward(model, 0);
        var symbols = model.Input!.argmax(2); // (T, B)
        Assert.Equal(3 + 5 + 3, symbols.shape[0]);
        Assert.Equal(3 + 5 + 3, task.Shape.SequenceLength);
        for (long b = 0; b < symbols.shape[1]; b++)
        {
            var row = Enumerable.Range(0, (int)symbols.shape[0]).Select(t => symbols[t, b].item<long>()).ToArray();
            Assert.Equal(marker, Array.IndexOf(row, 9L));
        }
    }
}
