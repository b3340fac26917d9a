using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Training.Tests;

public class ConfigHashTests
{
    static string Hash(params (string Key, string Value)[] values)
        => ConfigHash.Compute(RunConfigBuilder.Build(values.Select(v => KeyValuePair.Create(v.Key, v.Value))));

    [Fact]
    public void Configurations_of_the_first_release_keep_their_hashes()
    {
        // Pinned from the release before the options of nnRNN, ENRNN, NRU, GRU, g-LSTM, KAF gates and aux losses
        // (commit d68494f's `validate` printed these run ids): a sweep planned then keeps its ids and checkpoints.
        Assert.StartsWith("cabff35a", Hash(("task", "copy"), ("random_seed", "5544")));
        Assert.StartsWith("2c86f1d5", Hash(("task", "pmnist"), ("model", "lstm"), ("hidden_size", "128"), ("random_seed", "1")));
    }

    [Fact]
    public void A_later_option_enters_the_hash_only_away_from_its_default()
    {
        var plain = Hash(("task", "copy"), ("model", "lstm"));
        Assert.Equal(plain, Hash(("task", "copy"), ("model", "lstm"), ("gate", "sigmoid"), ("copy_recall_offset", "0")));
        Assert.NotEqual(plain, Hash(("task", "copy"), ("model", "lstm"), ("gate", "kaf")));
        Assert.NotEqual(plain, Hash(("task", "copy"), ("model", "lstm"), ("copy_recall_offset", "1")));
        var keys = ConfigHash.TrajectoryKeys(RunConfigBuilder.Build([KeyValuePair.Create("task", "copy"), KeyValuePair.Create("optimizer", "adam")]));
        Assert.Equal("adam", keys["optimizer"]);
        Assert.False(keys.ContainsKey("adam_beta1"));
    }
}
