using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// Builds a model from its spec, drawing every initial value from <paramref name="generator"/> (a CPU generator
/// the run owns) and placing the tensors on <paramref name="device"/>.
/// </summary>
public static class ModelFactory
{
    public static SequenceModel Create(ModelSpec spec, Generator generator) => Create(spec, generator, torch.CPU);

    public static SequenceModel Create(ModelSpec spec, Generator generator, Device device)
    {
        Validate(spec);
        return spec.Model switch
        {
            "lstm" => new Lstm(spec, generator, device),
            "gru" => new Gru(spec, generator, device),
            "nru" => new Nru(spec, generator, device),
            "glstm" => new GLstm(spec, generator, device),
            "asrnn" or "exprnn" or "dtriv" or "scornn" or "rnn" => new OrthogonalRnn(spec, generator, device),
            "nnrnn" => new NnRnn(spec, generator, device),
            "enrnn" => new EnRnn(spec, generator, device),
            _ => throw new ArgumentException($"unknown model '{spec.Model}'"),
        };
    }

    static void Validate(ModelSpec spec)
    {
        if (spec.Model is "gru" or "glstm" or "nnrnn" or "enrnn" or "nru")
        {
            if (spec.HiddenSize < 2) throw new ArgumentException("hidden_size must be at least 2");
            return; // each checks the rest of its spec itself
        }
        if (spec.Model is not ("asrnn" or "exprnn" or "dtriv" or "scornn" or "rnn" or "lstm"))
            throw new ArgumentException($"unknown model '{spec.Model}' (expected asrnn, exprnn, dtriv, scornn, rnn, lstm, gru, glstm, nnrnn, enrnn or nru)");
        if (spec.Model is "rnn" or "lstm" && spec.Nonlinear == "asrnn")
            throw new ArgumentException($"model {spec.Model} cannot use the asrnn nonlinearity (it needs an orthogonal mode)");
        if (spec.Nonlinear == "tanh" && spec.Model != "rnn")
            throw new ArgumentException("the tanh nonlinearity is offered for model rnn only");
        if (spec.Model != "lstm" && spec.Nonlinear is not ("asrnn" or "modrelu" or "tanh"))
            throw new ArgumentException($"unknown nonlinearity '{spec.Nonlinear}'");
        if (spec.HiddenSize < 2) throw new ArgumentException("hidden_size must be at least 2");
        if (spec.Model is not ("rnn" or "lstm") && spec.Mode is not ("exprnn" or "dtriv" or "cayley"))
            throw new ArgumentException($"model {spec.Model} needs an orthogonal mode (exprnn, dtriv or cayley), got '{spec.Mode}'");
    }
}
