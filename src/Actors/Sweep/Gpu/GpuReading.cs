using System.Text.Json.Serialization;

namespace AsRnnGrid.Actors.Sweep.Gpu;

/// <summary>
/// What a trainer's node read of its slot's GPU just before asking for work (<see cref="GpuProbe"/>): its free memory and
/// the compute processes of other users on it, or why it could not tell. The book decides on it
/// (<see cref="Book.GpuRoom"/>); <see cref="Gpu"/> names the GPU as nvidia-smi numbers it ("GPU 1"), which is what the
/// person reading "GPU 1: 812 MiB free, waiting" compares with nvidia-smi.
/// </summary>
public sealed record GpuReading(string Gpu, GpuReadingState State, long? FreeMiB, long? TotalMiB, IReadOnlyList<GpuUser>? OtherUsers, string? Note)
{
    /// <summary>The same figures and users (a record's own equality compares the list by reference).</summary>
    public bool SameAs(GpuReading? other) =>
        other is not null && (Gpu, State, FreeMiB, TotalMiB, Note) == (other.Gpu, other.State, other.FreeMiB, other.TotalMiB, other.Note)
        && (OtherUsers is null ? other.OtherUsers is null : other.OtherUsers is not null && OtherUsers.SequenceEqual(other.OtherUsers));
}

[JsonConverter(typeof(JsonStringEnumConverter<GpuReadingState>))]
public enum GpuReadingState
{
    /// <summary>nvidia-smi listed the GPU: <see cref="GpuReading.FreeMiB"/> (null where it prints [N/A] or in MIG mode) and its processes.</summary>
    [JsonStringEnumMemberName("measured")] Measured,
    /// <summary>Nothing to read it with (no nvidia-smi, a MIG instance, a GPU nvidia-smi does not list): the slot behaves as without the check.</summary>
    [JsonStringEnumMemberName("not-checked")] NotChecked,
    /// <summary>nvidia-smi failed or could not read this GPU (fallen off the bus, the driver not answering): the slot waits.</summary>
    [JsonStringEnumMemberName("unreadable")] Unreadable,
}

/// <summary>Another user's process on the GPU (or one whose owner this machine cannot see: another container's).</summary>
public sealed record GpuUser(int Pid, string Process, string User, long? UsedMiB)
{
    public override string ToString() => $"{User}'s {Process} (pid {Pid}{(UsedMiB is { } mib ? $", {mib} MiB" : "")})";
}
