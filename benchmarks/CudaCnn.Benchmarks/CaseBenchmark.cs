using System.Collections.Concurrent;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CudaCnn.Benchmarking;
using CudaCnn.Runtime;

namespace CudaCnn.Benchmarks;

/// <summary>
/// Runs one case of the shared catalog (src/CudaCnn/Benchmarking) inside a BenchmarkDotNet benchmark: setup outside
/// the measured region, and per invocation K runs between the device timer's two events (CUDA events on a GPU, the
/// host clock on the software GPU) with one synchronization. The device-measured time per run is recorded for the
/// custom columns; BenchmarkDotNet's own Mean is the host's view of the same invocation.
/// </summary>
internal sealed class CaseRunner : IDisposable
{
    private readonly BenchContext _context;
    private readonly IBenchInstance _instance;
    private readonly IGpuTimer _timer;
    private readonly Func<long>? _threadInstructions;

    public CaseRunner(IGpu gpu, BenchCase benchCase, int runsPerInvocation, Func<long>? threadInstructions = null)
    {
        Case = benchCase;
        RunsPerInvocation = runsPerInvocation;
        _threadInstructions = threadInstructions;
        _context = new BenchContext(gpu);
        _instance = benchCase.Prepare(_context);
        _instance.Run(); // warm-up: kernels loaded, scratch sized, cuDNN's algorithm found
        gpu.Synchronize();
        _timer = benchCase.HostTimed ? new HostTimer() : gpu.CreateTimer();
    }

    public BenchCase Case { get; }
    public int RunsPerInvocation { get; }

    public void Invoke()
    {
        long before = _threadInstructions?.Invoke() ?? 0;
        _timer.Start();
        for (int i = 0; i < RunsPerInvocation; i++) _instance.Run();
        _timer.Stop();
        double perRun = _timer.ElapsedMilliseconds / RunsPerInvocation;
        long instructions = _threadInstructions is { } count ? (count() - before) / RunsPerInvocation : 0;
        CaseResults.Record(Case, perRun, instructions);
    }

    public void Dispose()
    {
        _timer.Dispose();
        _instance.Dispose();
        _context.Dispose();
    }
}

/// <summary>Device-timed results of every case run in this process (the suites run in-process), for the columns.</summary>
internal static class CaseResults
{
    private static readonly ConcurrentDictionary<string, (BenchCase Case, List<double> Milliseconds, long Instructions)> Store = new();

    public static void Record(BenchCase benchCase, double milliseconds, long instructions)
    {
        var entry = Store.GetOrAdd(benchCase.Name, _ => (benchCase, new List<double>(), 0));
        lock (entry.Milliseconds) entry.Milliseconds.Add(milliseconds);
        Store[benchCase.Name] = entry with { Instructions = instructions };
    }

    /// <summary>All recorded cases as results (median and minimum of the recorded per-run times).</summary>
    public static BenchReport Report() => new(Store.Values.Select(e =>
    {
        double[] sorted;
        lock (e.Milliseconds) sorted = [.. e.Milliseconds.Order()];
        return new BenchResult(e.Case, BenchRunner.Median(sorted), sorted[0], 0, e.Instructions);
    }).ToList());
}

/// <summary>A column computed from the recorded results; the benchmark's "Case" parameter names the case.</summary>
internal sealed class CaseColumn(string header, string legend, Func<BenchReport, BenchResult, string> value) : IColumn
{
    public string Id => "CudaCnn." + header;
    public string ColumnName => header;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => legend;
    /// <summary>Shown only when some recorded case has a value (no cuDNN column on the software GPU, for instance).</summary>
    public bool IsAvailable(Summary summary)
    {
        var report = CaseResults.Report();
        return report.Results.Any(r => value(report, r).Length > 0);
    }
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (benchmarkCase.Parameters["Case"] is not string name) return "-";
        var report = CaseResults.Report();
        var result = report.Results.FirstOrDefault(r => r.Case.Name == name);
        if (result is null) return "-";
        string text = value(report, result);
        return text.Length == 0 ? "-" : text;
    }

    /// <summary>The columns of docs/benchmarks.md that BenchmarkDotNet does not have (time, allocations are its own).</summary>
    public static IEnumerable<IColumn> All()
    {
        var names = new[] { "ms", "TFLOP/s", "GB/s", "% copy", "x FMA base", "x TF32 base", "images/s", "M thread-inst/s" };
        var template = new BenchReport([]).AllColumns;
        foreach (string name in names)
        {
            var column = template.Single(c => c.Header == name);
            string header = name == "ms" ? "device ms" : name;
            yield return new CaseColumn(header, column.Meaning,
                (report, result) => report.AllColumns.Single(c => c.Header == name).Cell(result));
        }
    }
}

/// <summary>ShortRun in-process (the recorded results live in this process) with the case columns and full case names.</summary>
internal sealed class CaseConfig : ManualConfig
{
    /// <summary>Case names are up to ~70 characters; BenchmarkDotNet would cut them at 20.</summary>
    public const int MaxCaseNameWidth = 80;

    public CaseConfig()
    {
        AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(CaseColumn.All().ToArray());
        SummaryStyle = SummaryStyle.Default.WithMaxParameterColumnWidth(MaxCaseNameWidth);
    }
}
