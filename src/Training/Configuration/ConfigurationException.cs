namespace AsRnnGrid.Training.Configuration;

/// <summary>A bad option or combination; the message is one line meant for the person who wrote it.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
