using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>
/// Launchers for kernels/elementwise.cu. Every method validates its arguments (non-negative counts, buffers at
/// least that long, whole-buffer overloads of equal length, buffers on this library's device) before touching
/// the device, then enqueues one launch without allocating. Count 0 enqueues nothing.
/// </summary>
public sealed class ElementwiseKernels(KernelLibrary library)
{
    public const string FileName = "elementwise.cu";

    /// <summary>Matches ELEMENTWISE_BLOCK, the __launch_bounds__ of every kernel in the file.</summary>
    public const uint BlockSize = 256;

    private readonly KernelLibrary _library = library ?? throw new ArgumentNullException(nameof(library));
    private GpuKernel? _fill, _copy, _scale, _add, _axpy, _reluForward, _reluBackward, _residualAddBackward;

    /// <summary>output[i] = value for the whole buffer.</summary>
    public void Fill(DeviceBuffer<float> output, float value) => Fill(output, value, LaunchChecks.LengthOf(output, nameof(output)));

    /// <summary>output[i] = value for i &lt; count.</summary>
    public void Fill(DeviceBuffer<float> output, float value, long count) =>
        Run(ref _fill, "fill", nameof(Fill), count, value, (output, nameof(output)));

    /// <summary>output[i] = input[i]; the buffers must be the same length.</summary>
    public void Copy(DeviceBuffer<float> output, DeviceBuffer<float> input) =>
        Copy(output, input, LaunchChecks.SameLength(nameof(Copy), (output, nameof(output)), (input, nameof(input))));

    public void Copy(DeviceBuffer<float> output, DeviceBuffer<float> input, long count) =>
        Run(ref _copy, "copy", nameof(Copy), count, null, (output, nameof(output)), (input, nameof(input)));

    /// <summary>output[i] = alpha * input[i]; in place allowed.</summary>
    public void Scale(DeviceBuffer<float> output, DeviceBuffer<float> input, float alpha) =>
        Scale(output, input, alpha, LaunchChecks.SameLength(nameof(Scale), (output, nameof(output)), (input, nameof(input))));

    public void Scale(DeviceBuffer<float> output, DeviceBuffer<float> input, float alpha, long count) =>
        Run(ref _scale, "scale", nameof(Scale), count, alpha, (output, nameof(output)), (input, nameof(input)));

    /// <summary>output[i] = a[i] + b[i]; in place allowed.</summary>
    public void Add(DeviceBuffer<float> output, DeviceBuffer<float> a, DeviceBuffer<float> b) =>
        Add(output, a, b, LaunchChecks.SameLength(nameof(Add), (output, nameof(output)), (a, nameof(a)), (b, nameof(b))));

    public void Add(DeviceBuffer<float> output, DeviceBuffer<float> a, DeviceBuffer<float> b, long count) =>
        Run(ref _add, "add", nameof(Add), count, null, (output, nameof(output)), (a, nameof(a)), (b, nameof(b)));

    /// <summary>y[i] += alpha * x[i] (accumulates; one fused multiply-add).</summary>
    public void Axpy(DeviceBuffer<float> y, DeviceBuffer<float> x, float alpha) =>
        Axpy(y, x, alpha, LaunchChecks.SameLength(nameof(Axpy), (y, nameof(y)), (x, nameof(x))));

    public void Axpy(DeviceBuffer<float> y, DeviceBuffer<float> x, float alpha, long count) =>
        Run(ref _axpy, "axpy", nameof(Axpy), count, alpha, (y, nameof(y)), (x, nameof(x)));

    /// <summary>output[i] = input[i] &gt; 0 ? input[i] : 0; in place allowed.</summary>
    public void ReluForward(DeviceBuffer<float> output, DeviceBuffer<float> input) =>
        ReluForward(output, input, LaunchChecks.SameLength(nameof(ReluForward), (output, nameof(output)), (input, nameof(input))));

    public void ReluForward(DeviceBuffer<float> output, DeviceBuffer<float> input, long count) =>
        Run(ref _reluForward, "relu_forward", nameof(ReluForward), count, null, (output, nameof(output)), (input, nameof(input)));

    /// <summary>dx[i] = x[i] &gt; 0 ? dy[i] : 0 (written, not accumulated); x is the forward input.</summary>
    public void ReluBackward(DeviceBuffer<float> dx, DeviceBuffer<float> dy, DeviceBuffer<float> x) =>
        ReluBackward(dx, dy, x, LaunchChecks.SameLength(nameof(ReluBackward), (dx, nameof(dx)), (dy, nameof(dy)), (x, nameof(x))));

    public void ReluBackward(DeviceBuffer<float> dx, DeviceBuffer<float> dy, DeviceBuffer<float> x, long count) =>
        Run(ref _reluBackward, "relu_backward", nameof(ReluBackward), count, null, (dx, nameof(dx)), (dy, nameof(dy)), (x, nameof(x)));

    /// <summary>da[i] = dy[i] and db[i] = dy[i] (both written): the gradient of out = a + b, split in one pass.</summary>
    public void ResidualAddBackward(DeviceBuffer<float> da, DeviceBuffer<float> db, DeviceBuffer<float> dy)
    {
        long count = LaunchChecks.SameLength(nameof(ResidualAddBackward), (dy, nameof(dy)), (da, nameof(da)), (db, nameof(db)));
        if (ReferenceEquals(da, db))
            throw new ArgumentException($"{nameof(ResidualAddBackward)}: da and db are the same buffer; each input needs its own gradient", nameof(db));
        Run(ref _residualAddBackward, "residual_add_backward", nameof(ResidualAddBackward), count, null, (da, nameof(da)), (db, nameof(db)), (dy, nameof(dy)));
    }

    /// <summary>
    /// Validates, then launches <paramref name="name"/> with the arguments every kernel of the file takes, in
    /// order: the buffers, the scalar if any, the 64-bit count.
    /// </summary>
    private void Run(ref GpuKernel? kernel, string name, string operation, long count, float? scalar,
        params ReadOnlySpan<(DeviceBuffer<float> Buffer, string Name)> buffers)
    {
        var gpu = _library.Gpu;
        LaunchChecks.Usable(operation, gpu, count, buffers);
        if (count == 0) return;
        kernel ??= _library.Kernel(FileName, name);
        var args = new KernelArgs();
        foreach (var (buffer, _) in buffers) args.Add(buffer);
        if (scalar is float value) args.Add(value);
        args.Add(count);
        gpu.Launch(kernel, LaunchChecks.GridStride(gpu, count, BlockSize), args);
    }
}
