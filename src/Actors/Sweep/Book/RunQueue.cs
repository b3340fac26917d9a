namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>
/// The book's index of runs waiting for a trainer, so that a decision never scans every run: pending runs by their
/// place in the sweep file (the order dispatch hands them out) and retrying runs by the time their backoff ends. The
/// pending runs of early-stopping configurations none of whose runs has started are kept apart (<see cref="Fresh"/>): they
/// wait for the rungs' promotions. Kept by <see cref="SweepBook"/> as run states change; nothing else writes it.
/// </summary>
sealed class RunQueue
{
    readonly SortedSet<int> _ready = [];
    readonly SortedSet<int> _fresh = [];
    readonly SortedSet<(long DueTicks, int Index)> _backoff = [];

    public int ReadyCount => _ready.Count;

    public void AddReady(int index) => _ready.Add(index);
    public void RemoveReady(int index) => _ready.Remove(index);
    public void AddFresh(int index) => _fresh.Add(index);
    public void RemoveFresh(int index) => _fresh.Remove(index);
    public void AddBackoff(int index, DateTime due) => _backoff.Add((due.Ticks, index));
    public void RemoveBackoff(int index, DateTime due) => _backoff.Remove((due.Ticks, index));

    /// <summary>Pending runs in sweep-file order, but the fresh ones.</summary>
    public SortedSet<int> Ready => _ready;

    /// <summary>Pending runs of early-stopping configurations not yet begun, in sweep-file order.</summary>
    public SortedSet<int> Fresh => _fresh;

    /// <summary>Retrying runs whose backoff has ended by <paramref name="now"/>, in sweep-file order.</summary>
    public IReadOnlyList<int> DueBy(DateTime now)
    {
        if (_backoff.Count == 0 || _backoff.Min.DueTicks > now.Ticks) return [];
        var due = new List<int>();
        foreach (var (ticks, index) in _backoff)
        {
            if (ticks > now.Ticks) break;
            due.Add(index);
        }
        due.Sort();
        return due;
    }
}
