using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CudaCnn.Benchmarking;
using CudaCnn.Sim;

namespace CudaCnn.Benchmarks;

/// <summary>
/// Managed cost of one kernel launch and of one LeNet-5 training step (batch 8), with the memory diagnoser:
/// <c>overhead/*/dry-run</c> runs the launch path with the device launch skipped (<see cref="DryRunGpu"/>: the host
/// side, target 0 B per launch and per step); the <c>gemm/</c> and <c>step/</c> cases run the same work through
/// the software GPU, which reuses its interpreter state across launches (target 0 B per launch there too).
/// <c>dotnet run -c Release --project benchmarks/CudaCnn.Benchmarks -- --filter '*LaunchOverhead*'</c>
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Quick))]
public class LaunchOverheadBenchmarks
{
    private SimGpu _sim = null!;
    private BenchContext _context = null!;
    private IBenchInstance _instance = null!;

    public static IEnumerable<string> Cases =>
    [
        "overhead/launch.gemm64/dry-run",
        "overhead/step.lenet5.b8/dry-run",
        "gemm/square.128x128x128/ours.sgemm_v2",
        "step/lenet5.b8/ours.sgd-momentum",
    ];

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _sim = new SimGpu(new SimOptions { Deterministic = true, Checkers = SimCheckers.None });
        _context = new BenchContext(_sim);
        _instance = BenchCatalog.Sim().Single(c => c.Name == Case).Prepare(_context);
        _instance.Run();
    }

    [Benchmark(Description = "one launch or one step")]
    public void Run() => _instance.Run();

    [GlobalCleanup]
    public void Cleanup()
    {
        _instance.Dispose();
        _context.Dispose();
        _sim.Dispose();
    }

    private sealed class Quick : ManualConfig
    {
        public Quick()
        {
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
            SummaryStyle = BenchmarkDotNet.Reports.SummaryStyle.Default.WithMaxParameterColumnWidth(CaseConfig.MaxCaseNameWidth);
        }
    }
}
