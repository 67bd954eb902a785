using CudaCnn.Kernels;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Runtime;

/// <summary>
/// kernels/elementwise.cu compiled by NVRTC and run on a real GPU. Every kernel is one IEEE operation per element
/// (axpy one fused multiply-add), so the results must equal the host's bit for bit. Skipped without a GPU.
/// </summary>
public sealed class CudaElementwiseTests : IDisposable
{
    // Odd and larger than one wave of blocks on small GPUs, so the grid-stride loop and the tail are exercised.
    private const int Count = 1_000_003;

    // Memory cache only, shared by the tests of this class: each kernel file compiles once.
    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);

    private readonly CudaGpu _gpu = null!;
    private readonly KernelLibrary _library = null!;
    private readonly ElementwiseKernels _kernels = null!;
    private readonly float[] _a = CudaGpuTests.RandomValues(Count, seed: 11);
    private readonly float[] _b = CudaGpuTests.RandomValues(Count, seed: 12);

    public CudaElementwiseTests()
    {
        if (GpuRequirement.SkipReason is not null) return; // [GpuFact] skips every test; nothing to open
        _gpu = CudaGpu.Open();
        _library = new KernelLibrary(_gpu, Compiler);
        _kernels = new ElementwiseKernels(_library);
    }

    public void Dispose()
    {
        _library?.Dispose();
        _gpu?.Dispose();
    }

    [GpuFact]
    public void Fill_sets_every_element()
    {
        using var output = new DeviceBuffer<float>(_gpu, Count);
        _kernels.Fill(output, -3.25f);
        Assert.All(output.ToArray(), v => Assert.Equal(-3.25f, v));
    }

    [GpuFact]
    public void Copy_scale_and_add_match_the_host()
    {
        using var a = Upload(_a);
        using var b = Upload(_b);
        using var output = new DeviceBuffer<float>(_gpu, Count);

        _kernels.Copy(output, a);
        AssertEqual(_a, output.ToArray(), "copy");
        _kernels.Scale(output, a, 0.37f);
        AssertEqual(Map(i => 0.37f * _a[i]), output.ToArray(), "scale");
        _kernels.Add(output, a, b);
        AssertEqual(Map(i => _a[i] + _b[i]), output.ToArray(), "add");
    }

    [GpuFact]
    public void Axpy_accumulates_with_one_fused_multiply_add()
    {
        using var y = Upload(_a);
        using var x = Upload(_b);
        _kernels.Axpy(y, x, -1.7f);
        AssertEqual(Map(i => MathF.FusedMultiplyAdd(-1.7f, _b[i], _a[i])), y.ToArray(), "axpy");
    }

    [GpuFact]
    public void Relu_forward_and_backward_gate_on_the_input()
    {
        using var x = Upload(_a);
        using var dy = Upload(_b);
        using var y = new DeviceBuffer<float>(_gpu, Count);
        using var dx = new DeviceBuffer<float>(_gpu, Count);

        _kernels.ReluForward(y, x);
        _kernels.ReluBackward(dx, dy, x);

        AssertEqual(Map(i => _a[i] > 0 ? _a[i] : 0f), y.ToArray(), "relu_forward");
        AssertEqual(Map(i => _a[i] > 0 ? _b[i] : 0f), dx.ToArray(), "relu_backward");
    }

    [GpuFact]
    public void A_block_larger_than_the_kernel_allows_is_rejected()
    {
        var kernel = _library.Kernel(ElementwiseKernels.FileName, "fill");
        using var output = new DeviceBuffer<float>(_gpu, 16);
        var args = new KernelArgs();
        args.Add(output);
        args.Add(1f);
        args.Add(16L);

        // Every elementwise kernel is declared __launch_bounds__(256).
        var e = Assert.Throws<ArgumentException>(() => _gpu.Launch(kernel, new LaunchConfig(new Dim3(1), new Dim3(512)), args));
        Assert.Contains("fill: block (512,1,1) has 512 threads", e.Message);
    }

    [GpuFact]
    public void A_module_for_another_arch_is_refused()
    {
        var info = _gpu.Info;
        var other = CompileTarget.Sass(info.ComputeMajor == 8 ? 9 : 8, 0);
        var module = Compiler.Compile(ElementwiseKernels.FileName, other);

        var e = Assert.Throws<ArgumentException>(() => _gpu.LoadModule(module));
        Assert.Contains($"compiled for {other}", e.Message);
    }

    [GpuFact]
    public void An_unknown_kernel_name_is_reported_with_its_module()
    {
        var module = _library.Module(ElementwiseKernels.FileName);
        var e = Assert.Throws<ArgumentException>(() => module.GetKernel("no_such_kernel"));
        Assert.Contains("elementwise.cu", e.Message);
        Assert.Contains("no_such_kernel", e.Message);
    }

    private DeviceBuffer<float> Upload(float[] values)
    {
        var buffer = new DeviceBuffer<float>(_gpu, values.Length);
        buffer.CopyFrom(values);
        return buffer;
    }

    private static float[] Map(Func<int, float> f)
    {
        var result = new float[Count];
        for (int i = 0; i < Count; i++) result[i] = f(i);
        return result;
    }

    private static void AssertEqual(float[] expected, float[] actual, string kernel)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{kernel}: element {i} is {actual[i]:R}, expected {expected[i]:R}");
        }
    }
}
