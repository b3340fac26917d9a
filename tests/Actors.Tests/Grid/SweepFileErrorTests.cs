using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Tests.Grid;

/// <summary>Every bad experiments file gives one ConfigurationException: `FILE:LINE:COL: what is wrong`.</summary>
public class SweepFileErrorTests
{
    const string A = "experiments:\n  - name: a\n";

    [Theory]
    // YAML syntax
    [InlineData("experiments:\n  - name: a\n    model: 'x\n", "{F}:3:12: While scanning a quoted scalar, found unexpected end of stream.")]
    [InlineData("experiments:\n  - name: a\n    model: asrnn\n    model: lstm\n", "{F}:4:5: Duplicate key model")]
    [InlineData("", "{F}:1:1: empty file; expected defaults: and experiments:")]
    [InlineData("- a\n", "{F}:1:1: experiments file: expected a mapping of key: value, found a list")]
    [InlineData("defaults:\n  task: copy\n", "{F}:1:1: no experiments: (the list of experiments to run)")]
    // unknown keys, with the nearest valid one, at every level
    [InlineData("resuts: out\n" + A, "{F}:1:1: unknown key 'resuts' (did you mean 'results'?)")]
    [InlineData("max_retry: 3\n" + A, "{F}:1:1: unknown key 'max_retry' (did you mean 'max_retries'?)")]
    [InlineData("hidden_size: 8\n" + A, "{F}:1:1: hidden_size is a train option: put it under defaults: or in an experiment")]
    [InlineData("seeds: [1]\n" + A, "{F}:1:1: seeds belongs to an experiment (an item of experiments:)")]
    [InlineData("defaults:\n  hiden_size: 8\n" + A, "{F}:2:3: unknown key 'hiden_size' (did you mean 'hidden_size'?)")]
    [InlineData("defaults:\n  seeds: [1, 2]\n" + A, "{F}:2:3: seeds belongs to an experiment, not to defaults:")]
    [InlineData(A + "    hiden_size: 8\n", "{F}:3:5: unknown key 'hiden_size' (did you mean 'hidden_size'?)")]
    [InlineData(A + "    seed: [1, 2]\n", "{F}:3:5: unknown key 'seed' (did you mean 'seeds'?)")]
    [InlineData(A + "    grid:\n      hidden_sise: [8]\n", "{F}:4:7: unknown key 'hidden_sise' (did you mean 'hidden_size'?)")]
    [InlineData(A + "    variants:\n      - {model: lstm, rmsprop_Lr: 1.0e-3}\n", "{F}:4:23: unknown key 'rmsprop_Lr' (did you mean 'rmsprop_lr'?)")]
    // wrong shapes
    [InlineData(A + "    model: [asrnn, lstm]\n", "{F}:3:12: model: expected a single value, found a list (a list of values to try goes under grid:)")]
    [InlineData("defaults:\n  model: {x: 1}\n" + A, "{F}:2:10: model: expected a single value, found a mapping")]
    [InlineData(A + "    seeds: {x: 1}\n", "{F}:3:12: seeds: expected a list, found a mapping")]
    [InlineData(A + "    seeds: 3\n", "{F}:3:12: seeds: expected a list, found '3'")]
    [InlineData(A + "    grid:\n      model: asrnn\n", "{F}:4:14: model: expected a list, found 'asrnn'")]
    [InlineData(A + "    grid: [model]\n", "{F}:3:11: grid: expected a mapping of key: value, found a list")]
    [InlineData(A + "    grid: {}\n", "{F}:3:11: grid: no keys")]
    [InlineData(A + "    variants:\n      - lstm\n", "{F}:4:9: variant: expected a mapping of key: value, found 'lstm'")]
    [InlineData(A + "    variants:\n      - {hidden_size: [8, 16]}\n", "{F}:4:23: hidden_size: expected a single value, found a list")]
    [InlineData("experiments:\n  name: a\n", "{F}:2:3: experiments: expected a list, found a mapping")]
    [InlineData("experiments:\n  - a\n", "{F}:2:5: experiment: expected a mapping of key: value, found 'a'")]
    [InlineData("heartbeat_timeout: [1]\n" + A, "{F}:1:20: heartbeat_timeout: expected a single value, found a list")]
    // empty lists
    [InlineData("experiments: []\n", "{F}:1:14: experiments: empty list")]
    [InlineData(A + "    seeds: []\n", "{F}:3:12: seeds: empty list")]
    [InlineData(A + "    variants: []\n", "{F}:3:15: variants: empty list")]
    [InlineData(A + "    grid:\n      model: []\n", "{F}:4:14: model: empty list")]
    // values: range, number, choices (TrainOption.Parse's message at the value)
    [InlineData(A + "    hidden_size: 1\n", "{F}:3:18: hidden_size: 1 is out of range [2, 100000]")]
    [InlineData(A + "    rmsprop_lr: fast\n", "{F}:3:17: rmsprop_lr: 'fast' is not a number")]
    [InlineData(A + "    grid:\n      hidden_size: [8, 8.5]\n", "{F}:4:24: hidden_size: '8.5' is not an integer")]
    [InlineData(A + "    model: lstn\n", "{F}:3:12: model: 'lstn' is not one of asrnn, exprnn, dtriv, scornn, rnn, lstm, gru, glstm, nnrnn, enrnn, nru (did you mean 'lstm'?)")]
    [InlineData("defaults:\n  task: smnst\n" + A, "{F}:2:9: task: 'smnst' is not one of copy, adding, smnist, pmnist, ptb (did you mean 'smnist'?)")]
    [InlineData(A + "    variants:\n      - {K: never}\n", "{F}:4:13: K: 'never' is neither a positive integer nor infty")]
    [InlineData(A + "    seeds: [1, x]\n", "{F}:3:16: seeds: 'x' is not an integer")]
    [InlineData(A + "    seeds: [-1]\n", "{F}:3:13: seeds: -1 is out of range [0, 4294967295]")]
    [InlineData("max_retries: -1\n" + A, "{F}:1:14: max_retries: -1 is out of range [0, 1000]")]
    [InlineData("retry_backoff: soon\n" + A, "{F}:1:16: retry_backoff: 'soon' is not a number")]
    [InlineData("slots_per_gpu: 0\n" + A, "{F}:1:16: slots_per_gpu: 0 is out of range [1, 64]")]
    [InlineData("cpu_slots: 1.5\n" + A, "{F}:1:12: cpu_slots: '1.5' is not an integer")]
    [InlineData("results: ''\n" + A, "{F}:1:10: results: expected a folder")]
    [InlineData("gpu_min_free_mib: -1\n" + A, "{F}:1:19: gpu_min_free_mib: -1 is out of range [0, 16777216]")]
    [InlineData("gpu_min_free_mib: 2GB\n" + A, "{F}:1:19: gpu_min_free_mib: '2GB' is not an integer")]
    [InlineData("gpu_share: sometimes\n" + A, "{F}:1:12: gpu_share: 'sometimes' is not one of never, free-memory")]
    [InlineData("gpu_share: [never]\n" + A, "{F}:1:12: gpu_share: expected a single value, found a list")]
    [InlineData("gpu_shares: never\n" + A, "{F}:1:1: unknown key 'gpu_shares' (did you mean 'gpu_share'?)")]
    // names
    [InlineData("experiments:\n  - task: copy\n", "{F}:2:5: experiment has no name:")]
    [InlineData("experiments:\n  - name: a b\n", "{F}:2:11: name 'a b': use letters, digits, '_', '.' and '-' only")]
    [InlineData("experiments:\n  - name: a/b\n", "{F}:2:11: name 'a/b': use letters, digits, '_', '.' and '-' only")]
    [InlineData(A + "  - name: b\n  - name: a\n    task: adding\n", "{F}:4:11: experiment name 'a' is already used at 2:11")]
    // combinations the models refuse (ModelSpecResolver.Check), at the experiment
    [InlineData(A + "    a: 2\n    b: 1\n", "{F}:2:5: experiment a: a (2) must not exceed b (1)")]
    [InlineData("defaults:\n  nonlinear: tanh\n" + A + "    grid:\n      model: [rnn, lstm]\n",
        "{F}:4:5: experiment a: nonlinear tanh is offered for model rnn only (a new variant); model lstm takes asrnn or modrelu")]
    public void Bad_file_gives_one_error_with_its_position(string yaml, string expected)
    {
        var folder = new SweepFolder();
        var path = folder.Write("bad.yaml", yaml);
        var e = Assert.Throws<ConfigurationException>(() => SweepFileReader.Read(path));
        Assert.Equal(expected.Replace("{F}", path), e.Message);
    }

    [Fact]
    public void Missing_file_is_named()
    {
        var path = Path.Combine(new SweepFolder().Path, "none.yaml");
        var e = Assert.Throws<ConfigurationException>(() => SweepFileReader.Read(path));
        Assert.Equal($"{path}: no such file", e.Message);
    }

    [Fact]
    public void Two_runs_with_one_id_are_both_named_with_their_positions()
    {
        var folder = new SweepFolder();
        var path = folder.Write("dup.yaml", A + "    grid:\n      hidden_size: [8, 9, 8]\n");
        var e = Assert.Throws<ConfigurationException>(() => SweepFileReader.Read(path));
        var id = RunId.For("a", RunConfigBuilder.Build([new("hidden_size", "8")]));
        Assert.Equal($"{path}:4:27: two runs with the id {id}: experiment a at 4:21 and experiment a at 4:27 have the same configuration", e.Message);
    }

    [Fact]
    public void Same_seed_twice_is_a_duplicate_run_at_the_second_seed()
    {
        var folder = new SweepFolder();
        var path = folder.Write("dup.yaml", A + "    seeds: [3, 4, 3]\n");
        var e = Assert.Throws<ConfigurationException>(() => SweepFileReader.Read(path));
        Assert.StartsWith($"{path}:3:19: two runs with the id a-", e.Message);
        Assert.EndsWith(": experiment a at 3:13 and experiment a at 3:19 have the same configuration", e.Message);
    }

    [Fact]
    public void Missing_data_folder_is_named_at_the_task_key_when_data_dir_is_not_given()
    {
        var folder = new SweepFolder();
        var path = folder.Write("m.yaml", A + "    task: smnist\n");
        var e = Assert.Throws<ConfigurationException>(() => SweepFileReader.Read(path));
        Assert.Equal($"{path}:3:5: data_dir {Path.Combine(folder.Path, "data")} does not exist (task smnist needs the MNIST files "
            + "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte there)", e.Message);
    }

    [Fact]
    public void Missing_mnist_file_is_named_at_the_data_dir_key()
    {
        var folder = new SweepFolder();
        var dir = Directory.CreateDirectory(Path.Combine(folder.Path, "mnist")).FullName;
        foreach (var name in new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte.gz" })
            File.WriteAllBytes(Path.Combine(dir, name), [0]);
        var path = folder.Write("m.yaml", "defaults:\n  data_dir: mnist\n" + A + "    task: pmnist\n");
        var e = Assert.Throws<ConfigurationException>(() => SweepFileReader.Read(path));
        Assert.Equal($"{path}:2:3: data_dir {dir} has no t10k-labels-idx1-ubyte (raw or .gz), needed by task pmnist", e.Message);
    }

    [Fact]
    public void Missing_ptb_train_file_is_named_with_the_folder_it_looked_in()
    {
        // A PTB folder with the valid and test files only, as the files are often handed around.
        var folder = new SweepFolder();
        var ptb = folder.PtbFolder("ptb");
        File.Delete(Path.Combine(ptb, "ptb.char.train.txt"));
        var path = folder.Write("p.yaml", A + "    task: ptb\n    data_dir: " + ptb + "\n");
        var e = Assert.Throws<ConfigurationException>(() => SweepFileReader.Read(path));
        Assert.Equal($"{path}:4:5: data_dir {ptb} has no ptb.char.train.txt, needed by task ptb", e.Message);
    }
}
