using System.CommandLine;
using System.Globalization;
using CudaCnn.Checks;
using CudaCnn.Native;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using Spectre.Console;

namespace CudaCnn.Cli;

/// <summary>
/// <c>cudacnn check [--device sim|cuda|auto] [--op NAME] [--full] [--json]</c>: runs every kernel through its typed launcher on
/// the device and compares it with the CPU reference on the catalog's shapes; on a CUDA device also with cuDNN and
/// cuBLAS where they load (<see cref="OracleCheckRunner"/>). Exits 1 if any check fails.
/// </summary>
internal static class CheckCommand
{
    public const string Name = "check";

    public static Command Create()
    {
        var device = new Option<string>("--device") { Description = "cuda, sim or auto", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong(DeviceChoice.Names);
        var op = new Option<string?>("--op") { Description = $"one op family: {string.Join(", ", KernelCheckCatalog.Ops)}" };
        var full = new Option<bool>("--full")
        {
            Description = "on a CUDA device, also compare with cuDNN on the benchmark layers (AlexNet, VGG-16, ResNet-50 at batch 2; their CPU references take minutes)",
        };
        var json = new Option<bool>("--json") { Description = "print a JSON array instead of a table" };
        var command = new Command(Name, "compare every kernel with the CPU reference on a standard set of shapes") { device, op, full, json };
        command.SetAction(r => Run(r.GetValue(device)!, r.GetValue(op), r.GetValue(full), r.GetValue(json)));
        return command;
    }

    private static int Run(string deviceName, string? op, bool full, bool json)
    {
        IReadOnlyList<KernelCheck> checks;
        try
        {
            checks = KernelCheckCatalog.For(op);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"cudacnn check: {e.Message}");
            return 2;
        }

        IGpu gpu;
        string why;
        try
        {
            gpu = DeviceChoice.Open(deviceName, out why);
        }
        catch (Exception e) when (e is GpuUnavailableException or NativeLibraryNotFoundException or CudaException)
        {
            Console.Error.WriteLine($"cudacnn check: cannot open device '{deviceName}': {e.Message}");
            return 2;
        }
        using var _ = gpu;
        if (!json) Console.Error.WriteLine($"device: {why}");
        using var library = new KernelLibrary(gpu);
        var rows = new List<CheckRow>();
        foreach (var check in checks)
        {
            rows.Add(RunOne(check, library));
            if (!json) Console.Error.Write($"\r{rows.Count}/{checks.Count} checks");
        }
        if (!json) Console.Error.WriteLine();
        rows.AddRange(OracleCheckRunner.Run(gpu, library, op, full, quiet: json));

        if (json) JsonOutput.WriteArray(rows, WriteJson);
        else WriteTable(rows, gpu.Info);
        return rows.All(r => r.Passed) ? 0 : 1;
    }

    private static CheckRow RunOne(KernelCheck check, KernelLibrary library)
    {
        using var context = new CheckContext(library);
        try
        {
            var result = check.Run(context);
            return new CheckRow(check.Op, check.Kernel, check.Shape, result.MaxAbsError, result.MaxRelError, result.Tolerance.ToString(), result.Passed,
                result.Passed ? null : result.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new CheckRow(check.Op, check.Kernel, check.Shape, double.NaN, double.NaN, "-", false, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static void WriteTable(List<CheckRow> rows, DeviceInfo device)
    {
        int failed = rows.Count(r => !r.Passed);
        string versus = rows.Any(r => r.Versus is not null) ? " (and cuDNN/cuBLAS)" : "";
        var table = new Table().Title($"CudaCnn kernels vs CPU reference{versus} on {Markup.Escape(device.Name)} ({device.Backend})");
        foreach (string column in new[] { "op", "kernel", "shape", "max abs err", "max rel err", "tolerance", "result" })
            table.AddColumn(column);
        foreach (var row in rows)
        {
            table.AddRow(Markup.Escape(row.Op), Markup.Escape(row.Kernel), Markup.Escape(row.Shape),
                Number(row.MaxAbsError), Number(row.MaxRelError), Markup.Escape(row.Tolerance),
                row.Passed ? "[green]pass[/]" : "[red]FAIL[/]");
        }
        AnsiConsole.Write(table);
        foreach (var row in rows.Where(r => !r.Passed))
            Console.Error.WriteLine($"FAIL {row.Op}/{row.Kernel} {row.Shape}: {row.Failure}");
        Console.WriteLine($"{rows.Count - failed} passed, {failed} failed");
    }

    private static string Number(double value) =>
        double.IsNaN(value) ? "-" : value.ToString("G3", CultureInfo.InvariantCulture);

    private static void WriteJson(System.Text.Json.Utf8JsonWriter w, CheckRow r)
    {
        w.WriteString("op", r.Op);
        w.WriteString("kernel", r.Kernel);
        w.WriteString("shape", r.Shape);
        if (r.Versus is not null) w.WriteString("versus", r.Versus);
        w.WriteNumberOrNull("max_abs_err", r.MaxAbsError);
        w.WriteNumberOrNull("max_rel_err", r.MaxRelError);
        w.WriteString("tolerance", r.Tolerance);
        w.WriteBoolean("passed", r.Passed);
        if (r.Failure is not null) w.WriteString("error", r.Failure);
    }
}

/// <summary>One line of the check report: a kernel against the reference, or (<see cref="Versus"/> set) ours against
/// cuDNN or cuBLAS, where the errors are ours against the library's.</summary>
internal sealed record CheckRow(string Op, string Kernel, string Shape, double MaxAbsError, double MaxRelError, string Tolerance, bool Passed,
    string? Failure, string? Versus = null);
