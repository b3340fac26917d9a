namespace AsRnnGrid.Training.Models;

/// <summary>Where the decoder is applied: every step (copy, PTB) or only the last (MNIST, adding).</summary>
public enum Readout
{
    AllSteps,
    LastStep,
}
