using System.CommandLine;
using System.Text.Json;
using CudaCnn.Benchmarking;
using CudaCnn.Native;
using CudaCnn.Oracle;
using CudaCnn.Runtime;
using CudaCnn.Sim;
using Spectre.Console;

namespace CudaCnn.Cli;

/// <summary>
/// <c>cudacnn bench [--device cuda|sim] [--filter ...] [--json] [--markdown FILE]</c>: the benchmark catalog
/// (src/CudaCnn/Benchmarking, shared with the BenchmarkDotNet suites) timed once per case without BenchmarkDotNet's
/// process isolation and statistics. Columns: docs/benchmarks.md.
/// </summary>
internal static class BenchCommand
{
    public const string Name = "bench";
    private const string RequireGpuVariable = "CUDACNN_REQUIRE_GPU";

    public static Command Create()
    {
        var device = new Option<string>("--device")
        {
            Description = "cuda: the layer shapes of AlexNet, VGG-16 and ResNet-50 on the GPU; sim: small shapes on the software GPU",
            DefaultValueFactory = _ => "sim",
        };
        device.AcceptOnlyFromAmong("cuda", "sim");
        var filter = new Option<string?>("--filter") { Description = "comma-separated case-name patterns (substring, or glob with * and ?), e.g. 'conv/resnet50*,memory/*'" };
        var list = new Option<bool>("--list") { Description = "list the selected case names and exit" };
        var json = new Option<bool>("--json") { Description = "print a JSON array instead of a table" };
        var markdown = new Option<string?>("--markdown") { Description = "also write the results as a markdown table to this file" };
        var repeats = new Option<int>("--repeats") { Description = "timings per case (the median is reported)", DefaultValueFactory = _ => 5 };
        var command = new Command(Name, "time our kernels (and cuDNN/cuBLAS where present) per layer, memory-bound kernels, training steps and launch overhead")
        {
            device, filter, list, json, markdown, repeats,
        };
        command.SetAction(r => Run(r.GetValue(device)!, r.GetValue(filter), r.GetValue(list), r.GetValue(json), r.GetValue(markdown), r.GetValue(repeats)));
        return command;
    }

    private static int Run(string deviceName, string? filterText, bool list, bool json, string? markdownPath, int repeats)
    {
        if (repeats < 1)
        {
            Console.Error.WriteLine($"cudacnn bench: --repeats must be at least 1, got {repeats}");
            return 2;
        }
        bool cuda = deviceName == "cuda";
        var filter = new BenchFilter(filterText);
        if (cuda && !list && !CudaGpu.TryProbe(out string reason))
        {
            bool required = Environment.GetEnvironmentVariable(RequireGpuVariable) == "1";
            Console.Error.WriteLine($"cudacnn bench: no CUDA device: skipped ({reason})");
            if (required) Console.Error.WriteLine($"cudacnn bench: {RequireGpuVariable}=1, so a missing device is a failure");
            if (json) JsonOutput.WriteObject(w => { w.WriteBoolean("skipped", true); w.WriteString("reason", $"no CUDA device: {reason}"); });
            return required ? 1 : 0;
        }

        if (list)
        {
            var names = filter.Apply(cuda ? BenchCatalog.Device(new OracleBaselines(cudnn: true, cublas: true)) : BenchCatalog.Sim());
            foreach (var c in names) Console.WriteLine(c.Name);
            return 0;
        }

        try
        {
            return cuda ? RunCuda(filter, json, markdownPath, repeats) : RunSim(filter, json, markdownPath, repeats);
        }
        catch (Exception e) when (e is GpuUnavailableException or NativeLibraryNotFoundException or CudaException)
        {
            Console.Error.WriteLine($"cudacnn bench: cannot open device '{deviceName}': {e.Message}");
            return 2;
        }
    }

    private static int RunSim(BenchFilter filter, bool json, string? markdownPath, int repeats)
    {
        // One core, no checkers: the interpreter's speed, comparable with docs/software-gpu.md.
        using var sim = new SimGpu(new SimOptions { Deterministic = true, Checkers = SimCheckers.None });
        var settings = new BenchSettings(Repeats: repeats, ThreadInstructions: () => sim.KernelStats.Values.Sum(s => s.ThreadInstructions));
        if (!json) Console.Error.WriteLine("device: software GPU (deterministic: one core; checkers off); times are host wall-clock");
        return RunCases(sim, filter.Apply(BenchCatalog.Sim()), settings, json, markdownPath, "software GPU");
    }

    private static int RunCuda(BenchFilter filter, bool json, string? markdownPath, int repeats)
    {
        using var gpu = CudaGpu.Open();
        bool cudnn = OracleLibraries.TryCudnn(out string cudnnWhy);
        bool cublas = OracleLibraries.TryCublas(out string cublasWhy);
        if (!json)
        {
            Console.Error.WriteLine($"device: {gpu.Info.Name} ({gpu.Info.Arch}, {gpu.Info.MultiprocessorCount} SMs); CUDA events time each case");
            Console.Error.WriteLine($"baselines: {cudnnWhy}; {cublasWhy}");
        }
        var cases = filter.Apply(BenchCatalog.Device(new OracleBaselines(cudnn, cublas)));
        // The copy sets the bandwidth the memory-bound rows are compared with: measure it whenever they run.
        if (cases.Any(c => c.Suite == MemoryBenchCases.Suite) && !cases.Any(c => c.Baseline == BaselineKind.Copy))
            cases = [.. cases, MemoryBenchCases.Copy(BenchCatalog.DeviceCopyBytes)];
        return RunCases(gpu, cases, new BenchSettings(Repeats: repeats), json, markdownPath, gpu.Info.Name);
    }

    private static int RunCases(IGpu gpu, IReadOnlyList<BenchCase> cases, BenchSettings settings, bool json, string? markdownPath, string device)
    {
        if (cases.Count == 0)
        {
            Console.Error.WriteLine("cudacnn bench: the filter selects no case (list them with --list)");
            return 2;
        }
        using var context = new BenchContext(gpu);
        var results = new List<BenchResult>();
        int failures = 0;
        for (int i = 0; i < cases.Count; i++)
        {
            // One line per case in logs; a single rewritten line on a terminal.
            if (!json && Console.IsErrorRedirected) Console.Error.WriteLine($"[{i + 1}/{cases.Count}] {cases[i].Name}");
            else if (!json) Console.Error.Write($"\r[{i + 1}/{cases.Count}] {cases[i].Name}".PadRight(100));
            try
            {
                results.Add(BenchRunner.Measure(cases[i], context, settings));
            }
            catch (Exception e) when (e is CudaException or InvalidOperationException or NotSupportedException or ArgumentException)
            {
                failures++;
                Console.Error.WriteLine($"\ncudacnn bench: {cases[i].Name} failed: {e.Message}");
            }
        }
        if (!json && !Console.IsErrorRedirected) Console.Error.WriteLine();

        var report = new BenchReport(results);
        if (markdownPath is not null)
        {
            File.WriteAllText(markdownPath, $"Benchmarks on {device} ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC); columns: docs/benchmarks.md\n\n{report.ToMarkdown()}");
            if (!json) Console.Error.WriteLine($"markdown table written to {markdownPath}");
        }
        if (json) JsonOutput.WriteArray(results, (w, r) => WriteJson(w, report, r));
        else WriteTable(report, device);
        return failures == 0 ? 0 : 1;
    }

    private static void WriteTable(BenchReport report, string device)
    {
        var columns = report.Columns;
        var table = new Table().Title($"Benchmarks on {Markup.Escape(device)} (columns: docs/benchmarks.md)");
        foreach (var (column, i) in columns.Select((c, i) => (c, i)))
            table.AddColumn(i == 0 ? new TableColumn(Markup.Escape(column.Header)) : new TableColumn(Markup.Escape(column.Header)).RightAligned());
        foreach (var r in report.Results)
            table.AddRow(columns.Select(c => Markup.Escape(c.Cell(r))).ToArray());
        AnsiConsole.Write(table);
        if (!double.IsNaN(report.CopyGigabytesPerSecond))
            AnsiConsole.WriteLine($"device-to-device copy: {BenchReport.Number(report.CopyGigabytesPerSecond, 4)} GB/s (read + write)");
    }

    private static void WriteJson(Utf8JsonWriter w, BenchReport report, BenchResult r)
    {
        w.WriteString("name", r.Case.Name);
        w.WriteString("suite", r.Case.Suite);
        w.WriteString("group", r.Case.Group);
        w.WriteString("implementation", r.Case.Implementation);
        w.WriteString("baseline", r.Case.Baseline.ToString());
        w.WriteNumber("milliseconds", r.Milliseconds);
        w.WriteNumber("min_milliseconds", r.MinMilliseconds);
        w.WriteNumber("flops", r.Case.Flops);
        w.WriteNumber("bytes", r.Case.Bytes);
        w.WriteNumberOrNull("tflops", r.Tflops);
        w.WriteNumberOrNull("gigabytes_per_second", r.GigabytesPerSecond);
        w.WriteNumberOrNull("copy_fraction", report.CopyFraction(r));
        w.WriteNumberOrNull("ratio_to_fma_baseline", report.RatioTo(r, BaselineKind.Fma));
        w.WriteNumberOrNull("ratio_to_tf32_baseline", report.RatioTo(r, BaselineKind.Tf32));
        w.WriteNumberOrNull("images_per_second", r.ImagesPerSecond);
        w.WriteNumberOrNull("thread_instructions_per_second", r.ThreadInstructionsPerSecond);
        w.WriteNumber("allocated_bytes_per_run", r.AllocatedBytesPerRun);
    }
}
