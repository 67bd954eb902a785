using System.CommandLine;

namespace CudaCnn.Cli;

// Placeholder until the foundation work lands this command.
internal static class InfoCommand
{
    public const string Name = "info";

    public static Command Create()
    {
        var command = new Command(Name, "not implemented yet");
        command.SetAction(_ => { Console.Error.WriteLine("cudacnn info: not implemented yet"); return 1; });
        return command;
    }
}
