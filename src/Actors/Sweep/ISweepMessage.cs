namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// Marks every message that crosses a node boundary or enters the ledger: <see cref="SweepSerializer"/> owns
/// their wire and journal format (never Akka's default JSON).
/// </summary>
public interface ISweepMessage;
