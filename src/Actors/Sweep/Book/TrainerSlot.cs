using AsRnnGrid.Actors.Sweep.Gpu;

namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>
/// The supervisor's number for one trainer actor. A trainer restarted or started again by its node (a new pool after
/// the supervisor came back) is a new trainer, even on the same slot: its reports are told apart from the old one's.
/// </summary>
public readonly record struct TrainerId(int Value);

/// <summary>Where a trainer trains: a slot of a device ("cpu", "cuda:1") of a node ("gpu-b:4054").</summary>
public sealed record SlotAddress(string Node, string Device, int Slot)
{
    /// <summary>How the ledger and `status` name the slot: "cuda:1 slot 0".</summary>
    public string Label => $"{Device} slot {Slot}";

    public DeviceId DeviceId => DeviceId.Of(Node, Device);
}

/// <summary>One trainer slot as the book sees it. Live state: a restarted supervisor learns its trainers again.</summary>
public sealed class TrainerSlot(TrainerId id, SlotAddress address)
{
    public TrainerId Id { get; } = id;
    public SlotAddress Address { get; } = address;
    /// <summary>The run handed to it whose attempt has not ended.</summary>
    public string? Run { get; internal set; }
    /// <summary>It asked for work and has none: dispatch may hand it a run.</summary>
    public bool Waiting { get; internal set; }
    /// <summary>Lost (its actor stopped): kept for `status` until a trainer of the same slot registers.</summary>
    public bool Gone { get; internal set; }
    /// <summary>Its GPU as its node read it last (sent with its request for work and while it waits); null for a CPU slot.</summary>
    public GpuReading? Gpu { get; internal set; }
    /// <summary>Its worker's own gpu_min_free_mib and gpu_share.</summary>
    public GpuOptions? GpuOptions { get; internal set; }
    /// <summary>Why its GPU lacks room for the run it would take next ("GPU 1: 812 MiB free, 2048 needed"); null when it has room or nothing waits.</summary>
    public string? RoomShortfall { get; internal set; }
    /// <summary>Runs ran out of GPU memory on its device too often in a row: it takes no run before this time.</summary>
    public DateTime? PausedUntil { get; internal set; }
    public string? PauseReason { get; internal set; }

    public bool PausedAt(DateTime now) => PausedUntil is { } until && now < until;
}
