namespace AsRnnGrid.Training.Configuration;

/// <summary>
/// The reference scripts' defaults per task (spec §6.2: copytask.py, mnist.py, pennchar.py).
/// The adding task is not in the reference; its defaults are the scoRNN script's (T = 200, batch 50) with
/// MNIST's asRNN saturation and learning rates, and Henaff initialisation (chosen here, spec §5.2 is silent).
/// </summary>
public static class TaskDefaults
{
    public static RunConfig For(string task) => task switch
    {
        "copy" => new RunConfig
        {
            Task = task, HiddenSize = 138, BatchSize = 128, Iterations = 4000, Epochs = 1,
            RmspropLr = 2e-4, RmspropConstrLr = 2e-5, Alpha = 0.9, ClipNorm = 10,
            Init = "henaff", A = 0, B = 0, Eps = 1e-5, RhoRatDen = 2, K = "100", M = 100,
            RecallLength = 10, DelayLength = 1000, LogEvery = 10,
        },
        "adding" => new RunConfig
        {
            Task = task, HiddenSize = 128, BatchSize = 50, Iterations = 4000, Epochs = 1,
            RmspropLr = 1e-3, RmspropConstrLr = 1e-4, Alpha = 0.9, ClipNorm = 10,
            Init = "henaff", A = 0.02, B = 0.02, Eps = 1e-2, RhoRatDen = 2, SeqLength = 200, LogEvery = 10,
        },
        "smnist" or "pmnist" => new RunConfig
        {
            Task = task, HiddenSize = 122, BatchSize = 128, EvalBatchSize = 1000, Epochs = 70, Iterations = 1,
            RmspropLr = 7e-4, RmspropConstrLr = 7e-5, Alpha = 0.99, ClipNorm = 10,
            Init = "cayley", A = 0.02, B = 0.02, Eps = 1e-2, RhoRatDen = 10, LogEvery = 100,
        },
        "ptb" => new RunConfig
        {
            Task = task, HiddenSize = 1024, BatchSize = 128, EvalBatchSize = 10, Epochs = 100, Iterations = 1,
            RmspropLr = 1e-3, RmspropConstrLr = 1e-4, Alpha = 0.99, ClipNorm = -1,
            Init = "cayley", A = 0.8, B = 3, Eps = 0, RhoRatDen = 10, Emsize = 200, Bptt = 150, LogEvery = 32,
        },
        _ => throw new ConfigurationException($"unknown task '{task}' (expected copy, adding, smnist, pmnist or ptb)"),
    };

    /// <summary>asRNN's reference orthogonal mode per task: dtriv on copy, static exp elsewhere (spec §2.2).</summary>
    public static string AsRnnMode(string task) => task == "copy" ? "dtriv" : "exprnn";
}
