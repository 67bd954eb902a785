using CudaCnn.Benchmarking;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Runtime;
using CudaCnn.Sim;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Benchmarking;

/// <summary>
/// The host side of a launch (launcher, validation, argument packing, IGpu.Launch) allocates nothing once the kernel
/// is loaded: measured with GC.GetAllocatedBytesForCurrentThread around launches on <see cref="DryRunGpu"/> (the
/// software GPU's own interpretation state is excluded: it is the device, not the launch path).
/// </summary>
public sealed class LaunchAllocationTests : IDisposable
{
    private const int Launches = 50;
    private readonly SimGpu _sim = new(new SimOptions { Checkers = SimCheckers.None });
    private readonly DryRunGpu _gpu;
    private readonly BenchContext _context;

    public LaunchAllocationTests()
    {
        _gpu = new DryRunGpu(_sim);
        _context = new BenchContext(_gpu);
    }

    [Fact]
    public void The_measure_sees_work_that_allocates_in_every_round()
    {
        byte[]? kept = null;
        Assert.InRange(SteadyStateAllocation.Bytes(() => kept = new byte[1000]), 1000, 2000);
        Assert.NotNull(kept);
    }

    [NvrtcFact]
    public void A_steady_state_gemm_launch_allocates_nothing()
    {
        using var a = _context.Filled(new TensorShape(64, 64));
        AssertNoAllocation(() => _context.Conv.Gemm.Gemm(false, true, 64, 64, 64, 1f, a.Buffer, a.Buffer, 0f, a.Buffer));
    }

    [NvrtcTheory]
    [InlineData(ConvAlgorithm.Im2colGemm)]
    [InlineData(ConvAlgorithm.Winograd4x4)]
    public void A_steady_state_conv_forward_allocates_nothing(ConvAlgorithm algorithm)
    {
        var layer = BenchShapes.Sim[1];
        var p = layer.Params;
        using var x = _context.Filled(layer.X);
        using var w = _context.Filled(layer.Weight);
        using var y = _context.Filled(p.OutputShape(layer.X, layer.Weight));
        using var ws = new DeviceBuffer<float>(_gpu, ConvAlgorithms.WorkspaceElements(ConvDirection.Forward, algorithm, layer.X, layer.Weight, p));
        AssertNoAllocation(() => _context.Conv.Forward(x, w, null, y, p, algorithm, ws));
    }

    /// <summary>Every memory-bound case of the software-GPU catalog's shapes, through the ops, on the dry-run device.</summary>
    [NvrtcTheory]
    [MemberData(nameof(MemoryCases))]
    public void Steady_state_memory_bound_launches_allocate_nothing(string name)
    {
        var benchCase = MemoryBenchCases.For("t", new TensorShape(2, 4, 8, 8), new TensorShape(2, 4, 8, 8), new TensorShape(2, 64),
            parameters: 256, copyBytes: 4096).Single(c => c.Name == name);
        using var instance = benchCase.Prepare(_context);
        AssertNoAllocation(instance.Run, expectLaunch: benchCase.Baseline != BaselineKind.Copy);
    }

    [NvrtcFact]
    public void Steady_state_elementwise_and_loss_launches_allocate_nothing()
    {
        var shape = new TensorShape(4, 10);
        using var x = _context.Filled(shape);
        using var y = _context.Filled(shape);
        using var labels = new DeviceBuffer<int>(_gpu, 4);
        using var loss = new DeviceBuffer<float>(_gpu, 1);
        AssertNoAllocation(() =>
        {
            _context.Ops.Add(x, y, y);
            _context.Ops.Copy(x, y);
            _context.Ops.Fill(y, 0f);
            _context.Ops.CrossEntropyForward(x, labels, y, loss);
            _context.Ops.CrossEntropyBackward(x, y, labels, y);
        });
    }

    /// <summary>A shape batch norm splits over blocks (2 chunks per channel): the ops' shared workspace is reused.</summary>
    [NvrtcFact]
    public void Steady_state_split_batch_norm_launches_allocate_nothing()
    {
        var shape = new TensorShape(2, 2, 64, 64);
        Assert.Equal(2, BatchNormKernels.Chunks(shape));
        var channel = new TensorShape(shape.C);
        using var x = _context.Filled(shape);
        using var y = _context.Filled(shape);
        using var gamma = _context.Filled(channel);
        using var mean = _context.Filled(channel);
        using var invStd = _context.Filled(channel);
        var p = new BatchNormParams();
        AssertNoAllocation(() =>
        {
            _context.Ops.BatchNormTrainingForward(x, gamma, gamma, mean, invStd, p, y, mean, invStd);
            _context.Ops.BatchNormBackward(y, x, gamma, mean, invStd, y, gamma, gamma);
        });
    }

    public static TheoryData<string> MemoryCases() =>
        new(MemoryBenchCases.For("t", new TensorShape(2, 4, 8, 8), new TensorShape(2, 4, 8, 8), new TensorShape(2, 64),
            parameters: 256, copyBytes: 4096).Select(c => c.Name));

    [NvrtcFact]
    public void The_runner_reports_the_launch_overhead_case_as_allocation_free()
    {
        using var context = new BenchContext(_sim);
        var result = BenchRunner.Measure(StepBenchCases.LaunchOverhead(runsPerTiming: 200), context, new BenchSettings(Repeats: 3));
        Assert.Equal(0, result.AllocatedBytesPerRun);
        Assert.True(result.Milliseconds > 0, $"time per launch {result.Milliseconds} ms");
    }

    private void AssertNoAllocation(Action launch, bool expectLaunch = true)
    {
        launch(); // loads the kernels and sizes any scratch
        long launchesBefore = _gpu.Launches;
        long allocated = SteadyStateAllocation.Bytes(() =>
        {
            for (int i = 0; i < Launches; i++) launch();
        });
        if (expectLaunch) Assert.True(_gpu.Launches > launchesBefore, "nothing was launched");
        Assert.True(allocated == 0, $"{allocated} bytes allocated over {Launches} steady-state calls ({(double)allocated / Launches:F1} per call)");
    }

    public void Dispose()
    {
        _context.Dispose();
        _sim.Dispose();
    }
}
