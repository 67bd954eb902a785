using CudaCnn.Kernels;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Runtime;

public class ElementwiseKernelsTests
{
    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);

    private static (RecordingGpu Gpu, ElementwiseKernels Kernels) Create(int multiprocessors = 2)
    {
        var gpu = new RecordingGpu(multiprocessors);
        return (gpu, new ElementwiseKernels(new KernelLibrary(gpu, Compiler)));
    }

    /// <summary>Runs <paramref name="act"/> and asserts it throws before any device call.</summary>
    private static T ThrowsBeforeTheDevice<T>(RecordingGpu gpu, Action act) where T : Exception
    {
        int callsBefore = gpu.Calls.Count;
        var error = Assert.Throws<T>(act);
        Assert.Equal(callsBefore, gpu.Calls.Count);
        return error;
    }

    [Fact]
    public void Negative_count_is_rejected_with_the_operation_and_value()
    {
        var (gpu, kernels) = Create();
        using var buffer = new DeviceBuffer<float>(gpu, 8);
        var error = ThrowsBeforeTheDevice<ArgumentOutOfRangeException>(gpu, () => kernels.Fill(buffer, 1f, -1));
        Assert.Equal("count", error.ParamName);
        Assert.Contains("Fill", error.Message);
        Assert.Contains("-1", error.Message);
    }

    [Fact]
    public void Mismatched_buffer_lengths_are_rejected_naming_both()
    {
        var (gpu, kernels) = Create();
        using var output = new DeviceBuffer<float>(gpu, 8);
        using var a = new DeviceBuffer<float>(gpu, 8);
        using var b = new DeviceBuffer<float>(gpu, 7);
        var error = ThrowsBeforeTheDevice<ArgumentException>(gpu, () => kernels.Add(output, a, b));
        Assert.Equal("b", error.ParamName);
        Assert.Contains("Add: b has 7 elements, output has 8", error.Message);
    }

    [Fact]
    public void A_count_beyond_a_buffer_is_rejected()
    {
        var (gpu, kernels) = Create();
        using var y = new DeviceBuffer<float>(gpu, 10);
        using var x = new DeviceBuffer<float>(gpu, 4);
        var error = ThrowsBeforeTheDevice<ArgumentException>(gpu, () => kernels.Axpy(y, x, 2f, 5));
        Assert.Equal("x", error.ParamName);
        Assert.Contains("Axpy: x has 4 elements, fewer than the count 5", error.Message);
    }

    [Fact]
    public void Buffers_of_another_device_are_rejected()
    {
        var (gpu, kernels) = Create();
        var other = new RecordingGpu(name: "other");
        using var output = new DeviceBuffer<float>(gpu, 4);
        using var input = new DeviceBuffer<float>(other, 4);
        var error = ThrowsBeforeTheDevice<ArgumentException>(gpu, () => kernels.ReluForward(output, input));
        Assert.Equal("input", error.ParamName);
        Assert.Contains("input lives on other (recording), the kernel runs on recording", error.Message);
    }

    [Fact]
    public void Null_and_disposed_buffers_are_rejected()
    {
        var (gpu, kernels) = Create();
        using var dx = new DeviceBuffer<float>(gpu, 4);
        var dy = new DeviceBuffer<float>(gpu, 4);
        using var x = new DeviceBuffer<float>(gpu, 4);
        ThrowsBeforeTheDevice<ArgumentNullException>(gpu, () => kernels.ReluBackward(dx, null!, x));
        dy.Dispose();
        ThrowsBeforeTheDevice<ObjectDisposedException>(gpu, () => kernels.ReluBackward(dx, dy, x));
    }

    [Fact]
    public void A_zero_count_launches_nothing()
    {
        var (gpu, kernels) = Create();
        using var output = new DeviceBuffer<float>(gpu, 0);
        using var input = new DeviceBuffer<float>(gpu, 0);
        kernels.Copy(output, input);
        Assert.Empty(gpu.Launches);
    }

    [NvrtcFact]
    public void Launch_passes_buffers_scalars_and_a_64_bit_count_in_kernel_order()
    {
        var (gpu, kernels) = Create(multiprocessors: 2);
        using var y = new DeviceBuffer<float>(gpu, 1000);
        using var x = new DeviceBuffer<float>(gpu, 1000);
        kernels.Axpy(y, x, 0.5f);

        var launch = Assert.Single(gpu.Launches);
        Assert.Equal("axpy", launch.Kernel);
        Assert.Equal([y.Ptr.Address, x.Ptr.Address, BitConverter.SingleToUInt32Bits(0.5f), 1000UL], launch.Args);
        Assert.Equal([8, 8, 4, 8], launch.Sizes);
        Assert.Equal(new Dim3(4), launch.Config.Grid);    // ceil(1000 / 256)
        Assert.Equal(new Dim3(ElementwiseKernels.BlockSize), launch.Config.Block);
    }

    [NvrtcFact]
    public void The_grid_is_capped_at_one_wave_and_the_block_matches_the_launch_bound()
    {
        var (gpu, kernels) = Create(multiprocessors: 2);
        using var output = new DeviceBuffer<float>(gpu, 1_000_000);
        kernels.Fill(output, 3f);

        var launch = Assert.Single(gpu.Launches);
        Assert.Equal(new Dim3(2 * 8), launch.Config.Grid);
        var fill = Assert.Single(gpu.LoadedModules).Kernels.Single(k => k.Name == "fill");
        Assert.Equal((int)ElementwiseKernels.BlockSize, fill.LaunchBound);
    }

    [NvrtcFact]
    public void Every_launcher_finds_its_kernel_and_the_module_is_loaded_once()
    {
        var (gpu, kernels) = Create();
        using var a = new DeviceBuffer<float>(gpu, 4);
        using var b = new DeviceBuffer<float>(gpu, 4);
        using var c = new DeviceBuffer<float>(gpu, 4);
        kernels.Fill(a, 1f);
        kernels.Copy(a, b);
        kernels.Scale(a, b, 2f);
        kernels.Add(a, b, c);
        kernels.Axpy(a, b, 2f);
        kernels.ReluForward(a, b);
        kernels.ReluBackward(a, b, c);

        Assert.Equal(["fill", "copy", "scale", "add", "axpy", "relu_forward", "relu_backward"], gpu.Launches.Select(l => l.Kernel));
        Assert.Single(gpu.LoadedModules);
    }

    [NvrtcFact]
    public void Launches_allocate_nothing_once_the_kernels_are_resolved()
    {
        var (gpu, kernels) = Create();
        using var a = new DeviceBuffer<float>(gpu, 1024);
        using var b = new DeviceBuffer<float>(gpu, 1024);
        using var c = new DeviceBuffer<float>(gpu, 1024);
        void LaunchAll()
        {
            kernels.Fill(a, 1f);
            kernels.Add(a, b, c);
            kernels.Axpy(a, b, 0.5f, 512);
            kernels.ReluBackward(a, b, c);
        }
        LaunchAll();   // compiles, loads and resolves the kernels
        gpu.Recording = false;

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) LaunchAll();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(404, gpu.LaunchCount);
    }
}
