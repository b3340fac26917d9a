using System.Text.Json.Serialization;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>A trainer slot as sweep-status.json shows it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeviceState>))]
public enum DeviceState
{
    [JsonStringEnumMemberName("idle")] Idle,
    [JsonStringEnumMemberName("busy")] Busy,
    /// <summary>Its GPU lacks room for the next run (too little free memory, another user's process under gpu_share: never, unreadable): it takes the run when room appears.</summary>
    [JsonStringEnumMemberName("waiting")] Waiting,
    /// <summary>Runs kept running out of GPU memory on its device: it takes no run for a while.</summary>
    [JsonStringEnumMemberName("paused")] Paused,
    /// <summary>Its device is out of service (different runs kept failing on it); `run --clear-quarantine` puts it back.</summary>
    [JsonStringEnumMemberName("quarantined")] Quarantined,
    /// <summary>The trainer is lost (its node left or was downed); shown until a trainer of the same slot registers again.</summary>
    [JsonStringEnumMemberName("gone")] Gone,
}
