namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>Every decision of the <see cref="SweepBook"/>: a journalled <see cref="LedgerEvents.ILedgerEvent"/> or a <see cref="LiveEvents.ILiveEvent"/>.</summary>
public interface IBookEvent;
