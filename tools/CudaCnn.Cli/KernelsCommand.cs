using System.CommandLine;

namespace CudaCnn.Cli;

// Placeholder until the foundation work lands this command.
internal static class KernelsCommand
{
    public const string Name = "kernels";

    public static Command Create()
    {
        var command = new Command(Name, "not implemented yet");
        command.SetAction(_ => { Console.Error.WriteLine("cudacnn kernels: not implemented yet"); return 1; });
        return command;
    }
}
