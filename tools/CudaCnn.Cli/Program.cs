using System.CommandLine;
using CudaCnn.Cli;

var root = new RootCommand("cudacnn: CUDA kernels for convolutional networks, their checks and benchmarks");
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(KernelsCommand.Create());

// With no arguments, run the default command.
string[] effective = args.Length == 0 ? [KernelsCommand.Name] : args;
return await root.Parse(effective).InvokeAsync();
