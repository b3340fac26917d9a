using AsRnnGrid.Training.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Loop;

/// <summary>Resolves the device option. TF32 stays off on CUDA for fidelity with the float32 reference.</summary>
public static class DeviceSelection
{
    public static Device Resolve(string option)
    {
        if (option == "auto") option = torch.cuda.is_available() ? "cuda" : "cpu";
        if (option == "cpu") return torch.CPU;
        if (option == "cuda" || option.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
                throw new ConfigurationException($"device {option}: CUDA is not available on this machine (this build's libtorch backend or no GPU)");
            int index = option == "cuda" ? 0 : int.TryParse(option[5..], out var i) ? i : -1;
            if (index < 0 || index >= torch.cuda.device_count())
                throw new ConfigurationException($"device {option}: no such GPU (this machine has {torch.cuda.device_count()})");
            torch.backends.cuda.matmul.allow_tf32 = false;
            torch.backends.cudnn.allow_tf32 = false;
            return torch.device(DeviceType.CUDA, index);
        }
        throw new ConfigurationException($"device: '{option}' is not auto, cpu, cuda or cuda:N");
    }
}
