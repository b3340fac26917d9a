using YamlDotNet.Core;

namespace AsRnnGrid.Actors.Grid;

/// <summary>One train option as written in the file (already checked by TrainOption.Parse), with where its key and value stand.</summary>
sealed record OptionSetting(string Key, string Value, Mark KeyAt, Mark ValueAt);
