using CudaCnn.Kernels;
using CudaCnn.Runtime;

namespace CudaCnn.Benchmarking;

/// <summary>Library baselines (cuDNN, cuBLAS) for a layer and direction or a GEMM shape: cases in the same group
/// as ours, marked <see cref="BaselineKind.Fma"/> or <see cref="BaselineKind.Tf32"/>.</summary>
public interface IBenchBaselines
{
    IEnumerable<BenchCase> Conv(ConvLayer layer, ConvDirection direction);
    IEnumerable<BenchCase> Gemm(GemmShape shape);
}

/// <summary>The cases of <c>cudacnn bench</c> and of the BenchmarkDotNet suites, per device kind.</summary>
public static class BenchCatalog
{
    /// <summary>Bytes of the copy that measures the device's bandwidth: far above any L2 (50-60 MB).</summary>
    public const long DeviceCopyBytes = 1L << 30;

    /// <summary>A real device: every layer of <see cref="BenchShapes.AllDevice"/> per direction and algorithm, the
    /// GEMMs, the memory-bound kernels at AlexNet/ResNet-50 sizes, training steps per model and batch, the overheads,
    /// and the baselines <paramref name="baselines"/> provides (none when null).</summary>
    public static IReadOnlyList<BenchCase> Device(IBenchBaselines? baselines = null)
    {
        var cases = new List<BenchCase>();
        foreach (var layer in BenchShapes.AllDevice)
            foreach (var direction in ConvBenchCases.Directions)
            {
                cases.AddRange(ConvBenchCases.For(layer, direction));
                if (baselines is not null) cases.AddRange(baselines.Conv(layer, direction));
            }
        foreach (var gemm in BenchShapes.DeviceGemms)
        {
            cases.Add(ConvBenchCases.Gemm(gemm));
            if (baselines is not null) cases.AddRange(baselines.Gemm(gemm));
        }
        cases.AddRange(MemoryBenchCases.For("alexnet.conv1", new TensorShape(BenchShapes.AlexNetBatch, 96, 55, 55),
            new TensorShape(BenchShapes.ResNetBatch, 64, 56, 56), new TensorShape(BenchShapes.AlexNetBatch, 4096),
            parameters: 9216 * 4096, DeviceCopyBytes));
        cases.AddRange(DeviceSteps.Select(m => StepBenchCases.Step(m, runsPerTiming: 3)));
        cases.Add(StepBenchCases.LaunchOverhead());
        cases.Add(StepBenchCases.StepOverhead(StepModel.LeNet5(64)));
        return cases;
    }

    /// <summary>Training steps on a real device: each model at the batch sizes of perf-targets.md.</summary>
    public static IReadOnlyList<StepModel> DeviceSteps { get; } =
    [
        StepModel.LeNet5(64), StepModel.AlexNet(128), StepModel.Vgg16(16), StepModel.ResNet50(32), StepModel.ResNet50(64),
    ];

    /// <summary>The software GPU: small shapes that finish in seconds (SGEMM 128^3, two conv layers, a LeNet-5 step
    /// at batch 8, ReLU and the copy on 64K elements) and the launch and step overheads.</summary>
    public static IReadOnlyList<BenchCase> Sim()
    {
        var cases = new List<BenchCase>();
        foreach (var gemm in BenchShapes.SimGemms) cases.Add(ConvBenchCases.Gemm(gemm) with { RunsPerTiming = 1 });
        foreach (var layer in BenchShapes.Sim)
            foreach (var direction in ConvBenchCases.Directions)
                cases.AddRange(ConvBenchCases.For(layer, direction).Select(c => c with { RunsPerTiming = 1 }));
        var small = new TensorShape(4, 16, 32, 32);
        cases.AddRange(MemoryBenchCases.For("small", small, small, new TensorShape(4, 4096), parameters: 65536, copyBytes: 1 << 20)
            .Where(c => c.Group.StartsWith("relu.", StringComparison.Ordinal) || c.Baseline == BaselineKind.Copy)
            .Select(c => c with { RunsPerTiming = 1 }));
        cases.Add(StepBenchCases.Step(StepModel.LeNet5(8)));
        cases.Add(StepBenchCases.LaunchOverhead());
        cases.Add(StepBenchCases.StepOverhead(StepModel.LeNet5(8)));
        return cases;
    }
}
