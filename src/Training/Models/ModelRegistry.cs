using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// Every model, one line each, in the order --help and the errors list them. A new model is its file (its class and its
/// <see cref="ModelKind"/>) and a line here.
/// </summary>
public static class ModelRegistry
{
    public static KindRegistry<ModelKind> Models { get; } = new("model",
    [
        new AsRnnKind(),
        new ExpRnnKind(),
        new DtrivKind(),
        new ScoRnnKind(),
        new RnnKind(),
        new LstmKind(),
        new GruKind(),
        new GLstmKind(),
        new NnRnnKind(),
        new EnRnnKind(),
        new NruKind(),
    ]);
}
