using BenchmarkDotNet.Attributes;
using CudaCnn.Benchmarking;
using CudaCnn.Oracle;
using CudaCnn.Runtime;

namespace CudaCnn.Benchmarks;

/// <summary>The device catalog with the baselines this machine has (cuDNN, cuBLAS), built once.</summary>
internal static class DeviceCases
{
    private static readonly Lazy<IReadOnlyList<BenchCase>> All = new(() =>
        BenchCatalog.Device(new OracleBaselines(OracleLibraries.TryCudnn(out _), OracleLibraries.TryCublas(out _))));

    public static IEnumerable<string> Names(Func<BenchCase, bool> where) => All.Value.Where(where).Select(c => c.Name);
    public static BenchCase Get(string name) => All.Value.Single(c => c.Name == name);
}

/// <summary>
/// GPU only (Program skips it without a device): per layer of AlexNet, VGG-16 and ResNet-50 and per direction, ours
/// with each applicable algorithm vs cuDNN (best algorithm, FMA math; TF32 separately); GEMMs vs cuBLAS; memory-bound
/// kernels in GB/s vs the measured device-to-device copy. Ten runs between two CUDA events per invocation.
/// <c>dotnet run -c Release --project benchmarks/CudaCnn.Benchmarks -- --filter '*GpuKernel*'</c>
/// </summary>
[Config(typeof(CaseConfig))]
public class GpuKernelBenchmarks
{
    private const int RunsPerInvocation = BenchCase.DefaultRunsPerTiming;
    private CudaGpu _gpu = null!;
    private CaseRunner _runner = null!;

    public static IEnumerable<string> Cases => DeviceCases.Names(c => c.Suite is "conv" or "gemm" or MemoryBenchCases.Suite);

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _gpu = CudaGpu.Open();
        _runner = new CaseRunner(_gpu, DeviceCases.Get(Case), RunsPerInvocation);
    }

    [Benchmark(OperationsPerInvoke = RunsPerInvocation, Description = "one run (CUDA-event timed)")]
    public void Run() => _runner.Invoke();

    [GlobalCleanup]
    public void Cleanup()
    {
        _runner.Dispose();
        _gpu.Dispose();
    }
}

/// <summary>
/// GPU only: one training step (zero grads, forward, loss, backward, SGD with momentum) per model and batch size
/// (LeNet-5 64, AlexNet 128, VGG-16 16, ResNet-50 32 and 64); the images/s column is batch / device time per step.
/// <c>dotnet run -c Release --project benchmarks/CudaCnn.Benchmarks -- --filter '*GpuTrainingStep*'</c>
/// </summary>
[Config(typeof(CaseConfig))]
public class GpuTrainingStepBenchmarks
{
    private CudaGpu _gpu = null!;
    private CaseRunner _runner = null!;

    public static IEnumerable<string> Cases => DeviceCases.Names(c => c.Suite == "step");

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _gpu = CudaGpu.Open();
        _runner = new CaseRunner(_gpu, DeviceCases.Get(Case), runsPerInvocation: 1);
    }

    [Benchmark(Description = "one training step (CUDA-event timed)")]
    public void Step() => _runner.Invoke();

    [GlobalCleanup]
    public void Cleanup()
    {
        _runner.Dispose();
        _gpu.Dispose();
    }
}
