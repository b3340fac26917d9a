using System.Text.Json.Serialization;

namespace AsRnnGrid.Actors.Sweep.Gpu;

/// <summary>gpu_share (sweep file) and `worker --gpu-share`: whether a GPU others are using takes runs.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GpuShare>))]
public enum GpuShare
{
    /// <summary>A GPU with another user's compute process on it takes no run.</summary>
    [JsonStringEnumMemberName("never")] Never,
    /// <summary>A GPU takes a run when its free memory is at least gpu_min_free_mib, whoever else uses it.</summary>
    [JsonStringEnumMemberName("free-memory")] FreeMemory,
}
