using Akka.Actor;
using Akka.Event;
using AsRnnGrid.Training.Gpus;

namespace AsRnnGrid.Actors.Sweep.Gpu;

/// <summary>
/// A node's view of its GPUs: trainers of GPU slots ask it for their device's reading before they ask for work. One
/// nvidia-smi listing (both queries) serves every slot that asks within <see cref="GpuSettings.ListingMaxAge"/>, and it
/// runs off the actor's thread: nvidia-smi takes a second on a large node and can hang on a GPU in a bad state. Where
/// nvidia-smi is missing it says so once, and every reading is not checked (the slots behave as without the check).
/// </summary>
public sealed class GpuMonitor : ReceiveActor
{
    /// <summary>Trainer → monitor: the reading of this device ("cuda:1").</summary>
    public sealed record Read(string Device);

    /// <summary>Monitor → trainer.</summary>
    public sealed record Reading(string Device, GpuReading Gpu);

    sealed record Listed(GpuListing Listing, DateTime At);

    readonly GpuSettings _settings;
    readonly NvidiaSmi _nvidiaSmi;
    readonly string? _visible = Environment.GetEnvironmentVariable(CudaVisibleDevices.Variable);
    readonly ProcessOwners _owners = ProcessOwners.OfThisMachine();
    readonly List<(IActorRef Trainer, string Device)> _asking = [];
    Listed? _last;
    bool _listing;
    bool _saidMissing;

    public static Props Props(GpuSettings settings) => Akka.Actor.Props.Create(() => new GpuMonitor(settings));

    public GpuMonitor(GpuSettings settings)
    {
        _settings = settings;
        _nvidiaSmi = new NvidiaSmi(settings.NvidiaSmi);
        Receive<Read>(m =>
        {
            if (_last is { } last && DateTime.UtcNow - last.At < _settings.ListingMaxAge)
            {
                Sender.Tell(new Reading(m.Device, ReadingOf(last.Listing, m.Device)));
                return;
            }
            _asking.Add((Sender, m.Device));
            if (_listing) return;
            _listing = true;
            var nvidiaSmi = _nvidiaSmi;
            Task.Run(() =>
            {
                try { return new Listed(nvidiaSmi.List(), DateTime.UtcNow); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    return new Listed(new GpuListing(GpuListingState.Failed, [], null, [e.Message]), DateTime.UtcNow);
                }
            }).PipeTo(Self);
        });
        Receive<Listed>(m =>
        {
            _listing = false;
            _last = m;
            if (m.Listing.State == GpuListingState.NotInstalled && !_saidMissing)
            {
                _saidMissing = true;
                Context.GetLogger().Warning("{0} is not installed: GPU slots take runs without looking at free memory or other users", _settings.NvidiaSmi);
            }
            foreach (var (trainer, device) in _asking) trainer.Tell(new Reading(device, ReadingOf(m.Listing, device)));
            _asking.Clear();
        });
    }

    GpuReading ReadingOf(GpuListing listing, string device) => GpuProbe.Read(listing, device, _visible, _owners.Of, _owners.Self);
}
