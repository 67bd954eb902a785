using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CudaCnn.Kernels;
using CudaCnn.Runtime;
using CudaCnn.Sim;

namespace CudaCnn.Benchmarks;

/// <summary>
/// Interpreter speed of the software GPU on two SGEMMs, 128^3, run sequentially (one core) with and without the default
/// checkers: the library's sgemm_v2 (kernels/gemm.cu through GemmKernels: 64x64 tiles, 4x4 register blocks, float4,
/// double buffering) and the sim tests' plain tiled SGEMM (16x16 tiles, one fma per k). The ThreadInst/s column is the launch's
/// thread-instruction count divided by the mean time per launch. Quick run:
/// <c>dotnet run -c Release --project benchmarks/CudaCnn.Benchmarks -- --filter '*SimThroughput*'</c>.
/// </summary>
[Config(typeof(QuickConfig))]
public class SimThroughputBenchmarks
{
    /// <summary>The sim tests' kernel file (embedded from tests/CudaCnn.Sim.Tests/Kernels), which holds sgemm_tiled.</summary>
    private static string Source()
    {
        using var stream = typeof(SimThroughputBenchmarks).Assembly.GetManifestResourceStream("sim/counters.cu")
            ?? throw new InvalidOperationException("sim/counters.cu is not embedded in the benchmark assembly");
        return new StreamReader(stream).ReadToEnd();
    }

    private const int Size = 128;

    /// <summary>Thread instructions of one launch per benchmark case, for the throughput column.</summary>
    internal static readonly ConcurrentDictionary<string, long> ThreadInstructions = new();

    public const string LibrarySgemm = "gemm.cu sgemm_v2";
    public const string TestSgemm = "sim tests sgemm_tiled";

    private SimGpu _gpu = null!;
    private GpuKernel _kernel = null!;
    private LaunchConfig _config;
    private KernelArgs _args;
    private KernelLibrary _library = null!;
    private GemmKernels _gemm = null!;
    private DeviceBuffer<float> _a = null!, _c = null!;

    [Params(LibrarySgemm, TestSgemm)]
    public string Kernel { get; set; } = LibrarySgemm;

    [Params(SimCheckers.None, SimCheckers.Default)]
    public SimCheckers Checkers { get; set; }

    private string Key => $"{Kernel}|{Checkers}";

    [GlobalSetup]
    public void Setup()
    {
        _gpu = new SimGpu(new SimOptions { Deterministic = true, Checkers = Checkers });
        _library = new KernelLibrary(_gpu);
        _gemm = new GemmKernels(_library);
        _a = new DeviceBuffer<float>(_gpu, Size * Size);
        _c = new DeviceBuffer<float>(_gpu, Size * Size);
        _gpu.Fill32(_a.Ptr, 0x3F800000, Size * Size); // A = B = ones
        _gemm.Gemm(false, false, Size, Size, Size, 1f, _a, _a, 0f, _c);
        if (Kernel == LibrarySgemm)
        {
            ThreadInstructions[Key] = _gpu.LastLaunch.ThreadInstructions;
            return;
        }
        var module = _gpu.LoadModule(KernelCompiler.Shared.Compile(new KernelSource("counters.cu", Source()), _gpu.PreferredTarget));
        _kernel = module.GetKernel("sgemm_tiled");
        var a = _gpu.Allocate(Size * Size * 4);
        _gpu.Fill32(a, 0x3F800000, Size * Size);
        var c = _gpu.Allocate(Size * Size * 4);
        _args = new KernelArgs();
        _args.Add(a);
        _args.Add(a);
        _args.Add(c);
        _args.Add(Size);
        _args.Add(Size);
        _args.Add(Size);
        _config = new LaunchConfig(new Dim3(Size / 16, Size / 16), new Dim3(16, 16));
        _gpu.Launch(_kernel, _config, _args);
        ThreadInstructions[Key] = _gpu.LastLaunch.ThreadInstructions;
    }

    [Benchmark(Description = "sgemm 128^3 launch")]
    public void Sgemm()
    {
        if (Kernel == LibrarySgemm) _gemm.Gemm(false, false, Size, Size, Size, 1f, _a, _a, 0f, _c);
        else _gpu.Launch(_kernel, _config, _args);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a.Dispose();
        _c.Dispose();
        _library.Dispose();
        _gpu.Dispose();
    }

    private sealed class QuickConfig : ManualConfig
    {
        public QuickConfig()
        {
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(new ThroughputColumn());
        }
    }

    /// <summary>Million thread-instructions per second: instructions of one launch / mean launch time.</summary>
    private sealed class ThroughputColumn : IColumn
    {
        public string Id => "ThreadInstPerSecond";
        public string ColumnName => "M thread-inst/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Million PTX thread-instructions interpreted per second (one core)";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            string key = $"{benchmarkCase.Parameters["Kernel"]}|{benchmarkCase.Parameters["Checkers"]}";
            if (report?.ResultStatistics is not { } stats || !ThreadInstructions.TryGetValue(key, out long count)) return "-";
            return (count / (stats.Mean * 1e-9) / 1e6).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
