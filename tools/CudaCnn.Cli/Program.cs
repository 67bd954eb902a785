using System.CommandLine;
using System.CommandLine.Help;
using CudaCnn.Cli;
using Spectre.Console;

// Redirected output (CI logs, files) gets plain text at a width that keeps tables readable.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Out = new AnsiConsoleOutput(Console.Out),
    });
    AnsiConsole.Profile.Width = 160;
}

// A plain command named "cudacnn" rather than RootCommand, whose name would be the assembly's (CudaCnn.Cli).
var root = new Command("cudacnn", "CUDA kernels for convolutional networks, their checks and benchmarks")
{
    new HelpOption(),
    new VersionOption(),
};
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(KernelsCommand.Create());
root.Subcommands.Add(CheckCommand.Create());
root.Subcommands.Add(ProfileCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(TrainCommand.Create());

// With no arguments, run the default command.
string[] effective = args.Length == 0 ? [TrainCommand.Name] : args;
return await root.Parse(effective).InvokeAsync();
