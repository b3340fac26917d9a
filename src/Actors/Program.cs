using AsRnnGrid.Actors.Cli;

return CommandLine.Run(args);
