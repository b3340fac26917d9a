using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// The autograd node of a <see cref="FusedKernel"/> pass. Inputs: x, the initial state (h, or h and c), the four
/// weights (w_ih, w_hh, b_ih, b_hh, any tensors of the model's graph), then the kernel. Forward copies the weights
/// into the module and runs it on detached inputs with its own graph; backward takes that graph's gradients with
/// respect to the inputs and the module's weights and hands them on as the gradients of the weight tensors given:
/// the exact chain rule, whatever the weights were computed from.
/// </summary>
public sealed class FusedKernelFunction : MultiTensorFunction<FusedKernelFunction>
{
    public override string Name => "FusedKernel";

    /// <summary>What backward needs: the inner pass's leaves and outputs.</summary>
    sealed class Pass
    {
        public required Tensor[] Inputs { get; init; }
        public required Tensor[] Outputs { get; init; }
        public required FusedKernel Kernel { get; init; }
    }

    public override List<Tensor> forward(AutogradContext ctx, params object[] vars)
    {
        var kernel = (FusedKernel)vars[^1];
        var tensors = vars[..^1].Cast<Tensor>().ToArray();
        var weights = tensors[^4..];
        kernel.Load(weights);
        Tensor[] inputs, outputs;
        // apply() runs forward with gradient off; the inner pass needs its graph for backward.
        using (torch.enable_grad())
        {
            inputs = tensors[..^4].Select(t => t.detach().requires_grad_(t.requires_grad)).ToArray();
            outputs = kernel.Forward(inputs[0], inputs[1..]);
        }
        ctx.save_data("pass", new Pass { Inputs = inputs, Outputs = outputs, Kernel = kernel });
        return outputs.Select(o => o.detach()).ToList();
    }

    public override List<Tensor> backward(AutogradContext ctx, List<Tensor> gradOutputs)
    {
        var pass = (Pass)ctx.get_data("pass");
        var targets = pass.Inputs.Where(t => t.requires_grad).Concat(pass.Kernel.Weights).ToList();
        var grads = torch.autograd.grad(pass.Outputs, targets, gradOutputs);
        var result = new List<Tensor>();
        int k = 0;
        foreach (var input in pass.Inputs) result.Add(input.requires_grad ? grads[k++] : null!);
        foreach (var _ in pass.Kernel.Weights) result.Add(grads[k++]);
        result.Add(null!); // the kernel
        // Disposed at the kernel's next pass, once libtorch has taken its own references.
        pass.Kernel.Retire(grads.Concat(gradOutputs));
        return result;
    }
}
