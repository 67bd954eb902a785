using BenchmarkDotNet.Attributes;
using CudaCnn.Benchmarking;
using CudaCnn.Sim;

namespace CudaCnn.Benchmarks;

/// <summary>
/// The software GPU's speed on the catalog's SGEMM (128^3), conv layers (LeNet-5 conv2, a small 3x3 layer per
/// algorithm and direction) and a LeNet-5 training step at batch 8: one core (deterministic), checkers off.
/// Columns: M thread-inst/s (thread-instructions of a run / its time), TFLOP/s and images/s.
/// <c>dotnet run -c Release --project benchmarks/CudaCnn.Benchmarks -- --filter '*SimCase*'</c>
/// </summary>
[Config(typeof(CaseConfig))]
public class SimCaseBenchmarks
{
    private SimGpu _sim = null!;
    private CaseRunner _runner = null!;

    public static IEnumerable<string> Cases => BenchCatalog.Sim().Where(c => c.Suite is "gemm" or "conv" or "step").Select(c => c.Name);

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _sim = new SimGpu(new SimOptions { Deterministic = true, Checkers = SimCheckers.None });
        var benchCase = BenchCatalog.Sim().Single(c => c.Name == Case);
        _runner = new CaseRunner(_sim, benchCase, runsPerInvocation: 1, () => _sim.KernelStats.Values.Sum(s => s.ThreadInstructions));
    }

    [Benchmark(Description = "one run (launch sequence or step)")]
    public void Run() => _runner.Invoke();

    [GlobalCleanup]
    public void Cleanup()
    {
        _runner.Dispose();
        _sim.Dispose();
    }
}
