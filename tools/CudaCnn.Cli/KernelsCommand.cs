using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CudaCnn.Native;
using CudaCnn.Runtime;
using Spectre.Console;

namespace CudaCnn.Cli;

/// <summary>
/// <c>cudacnn kernels [--arch sm_90] [--json]</c>: compiles every embedded kernel file to a cubin and prints,
/// per kernel, registers, shared memory, stack, spills and occupancy at its __launch_bounds__ block size.
/// </summary>
internal static class KernelsCommand
{
    public const string Name = "kernels";
    private const string DefaultArch = "sm_90";

    public static Command Create()
    {
        var arch = new Option<string>("--arch")
        {
            Description = $"real architecture to compile for: {string.Join(", ", ArchLimits.Known.Select(a => $"sm_{a.Arch}"))}",
            DefaultValueFactory = _ => DefaultArch,
        };
        var json = new Option<bool>("--json") { Description = "print a JSON array instead of a table" };
        var command = new Command(Name, "compile every kernel and report registers, shared memory, stack, spills and occupancy")
        {
            arch,
            json,
        };
        command.SetAction(result => Run(result.GetValue(arch) ?? DefaultArch, result.GetValue(json)));
        return command;
    }

    private static int Run(string archText, bool json)
    {
        try
        {
            var target = CompileTarget.Parse(archText);
            var rows = KernelResourceReport.Build(KernelCompiler.Shared, target);
            if (json) WriteJson(rows);
            else WriteTable(rows, target);
            return 0;
        }
        catch (NativeLibraryNotFoundException e)
        {
            Console.Error.WriteLine($"cudacnn kernels: NVRTC is needed to compile the kernels. {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            Console.Error.WriteLine($"cudacnn kernels: {e.Message}");
            return 2;
        }
        catch (KernelCompileException e)
        {
            Console.Error.WriteLine($"cudacnn kernels: {e.Message}");
            return 1;
        }
    }

    private static void WriteTable(IReadOnlyList<KernelResourceRow> rows, CompileTarget target)
    {
        var table = new Table().Title($"CudaCnn kernels on {target} (NVRTC {Version()}; sizes in bytes)");
        foreach (string column in new[] { "file", "kernel", "regs", "smem", "cmem", "stack", "spill st/ld", "block", "occupancy" })
            table.AddColumn(new TableColumn(column));
        foreach (var row in rows)
        {
            var r = row.Resources;
            table.AddRow(
                Markup.Escape(row.File), Markup.Escape(row.Kernel), Text(r.Registers), Text(r.SharedBytes), Text(r.ConstantBytes),
                Text(r.StackBytes), $"{r.SpillStoreBytes}/{r.SpillLoadBytes}", row.BlockSize?.ToString(CultureInfo.InvariantCulture) ?? "-",
                row.Occupancy is { } o ? $"{o.Fraction * 100:0}% {o.Limiter}" : "no bound");
        }
        AnsiConsole.Write(table);
    }

    private static void WriteJson(IReadOnlyList<KernelResourceRow> rows) => JsonOutput.WriteArray(rows, (writer, row) =>
    {
        writer.WriteString("kernel", row.Kernel);
        writer.WriteString("file", row.File);
        writer.WriteString("arch", row.Arch);
        var r = row.Resources;
        writer.WriteNumber("registers", r.Registers);
        writer.WriteNumber("shared_bytes", r.SharedBytes);
        writer.WriteNumber("constant_bytes", r.ConstantBytes);
        writer.WriteNumber("stack_bytes", r.StackBytes);
        writer.WriteNumber("spill_stores", r.SpillStoreBytes);
        writer.WriteNumber("spill_loads", r.SpillLoadBytes);
        if (row.BlockSize is int block) writer.WriteNumber("block_size", block);
        else writer.WriteNull("block_size");
        if (row.Occupancy is { } o)
        {
            writer.WriteNumber("occupancy", Math.Round(o.Fraction, 4));
            writer.WriteNumber("blocks_per_sm", o.BlocksPerSm);
            writer.WriteString("occupancy_limiter", o.Limiter.ToString());
        }
        else
        {
            writer.WriteNull("occupancy");
        }
    });

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Version()
    {
        var (major, minor) = KernelCompiler.Shared.NvrtcVersion;
        return $"{major}.{minor}";
    }
}
