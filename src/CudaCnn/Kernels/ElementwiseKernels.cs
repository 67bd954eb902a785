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

    /// <summary>Resident blocks per SM that fill a 2048-thread SM (sm_70/80/90); the grid-stride loop covers
    /// any count with one such wave.</summary>
    private const int BlocksPerSmForOneWave = 2048 / (int)BlockSize;

    private readonly KernelLibrary _library = library ?? throw new ArgumentNullException(nameof(library));
    private GpuKernel? _fill, _copy, _scale, _add, _axpy, _reluForward, _reluBackward;

    /// <summary>output[i] = value for the whole buffer.</summary>
    public void Fill(DeviceBuffer<float> output, float value) => Fill(output, value, LengthOf(output, nameof(output)));

    /// <summary>output[i] = value for i &lt; count.</summary>
    public void Fill(DeviceBuffer<float> output, float value, long count)
    {
        Check(nameof(Fill), count, (output, nameof(output)));
        var args = new KernelArgs();
        args.Add(output);
        args.Add(value);
        Launch(ref _fill, "fill", count, ref args);
    }

    /// <summary>output[i] = input[i]; the buffers must be the same length.</summary>
    public void Copy(DeviceBuffer<float> output, DeviceBuffer<float> input) =>
        Copy(output, input, SameLength(nameof(Copy), (output, nameof(output)), (input, nameof(input))));

    public void Copy(DeviceBuffer<float> output, DeviceBuffer<float> input, long count)
    {
        Check(nameof(Copy), count, (output, nameof(output)), (input, nameof(input)));
        var args = new KernelArgs();
        args.Add(output);
        args.Add(input);
        Launch(ref _copy, "copy", count, ref args);
    }

    /// <summary>output[i] = alpha * input[i]; in place allowed.</summary>
    public void Scale(DeviceBuffer<float> output, DeviceBuffer<float> input, float alpha) =>
        Scale(output, input, alpha, SameLength(nameof(Scale), (output, nameof(output)), (input, nameof(input))));

    public void Scale(DeviceBuffer<float> output, DeviceBuffer<float> input, float alpha, long count)
    {
        Check(nameof(Scale), count, (output, nameof(output)), (input, nameof(input)));
        var args = new KernelArgs();
        args.Add(output);
        args.Add(input);
        args.Add(alpha);
        Launch(ref _scale, "scale", count, ref args);
    }

    /// <summary>output[i] = a[i] + b[i]; in place allowed.</summary>
    public void Add(DeviceBuffer<float> output, DeviceBuffer<float> a, DeviceBuffer<float> b) =>
        Add(output, a, b, SameLength(nameof(Add), (output, nameof(output)), (a, nameof(a)), (b, nameof(b))));

    public void Add(DeviceBuffer<float> output, DeviceBuffer<float> a, DeviceBuffer<float> b, long count)
    {
        Check(nameof(Add), count, (output, nameof(output)), (a, nameof(a)), (b, nameof(b)));
        var args = new KernelArgs();
        args.Add(output);
        args.Add(a);
        args.Add(b);
        Launch(ref _add, "add", count, ref args);
    }

    /// <summary>y[i] += alpha * x[i] (accumulates; one fused multiply-add).</summary>
    public void Axpy(DeviceBuffer<float> y, DeviceBuffer<float> x, float alpha) =>
        Axpy(y, x, alpha, SameLength(nameof(Axpy), (y, nameof(y)), (x, nameof(x))));

    public void Axpy(DeviceBuffer<float> y, DeviceBuffer<float> x, float alpha, long count)
    {
        Check(nameof(Axpy), count, (y, nameof(y)), (x, nameof(x)));
        var args = new KernelArgs();
        args.Add(y);
        args.Add(x);
        args.Add(alpha);
        Launch(ref _axpy, "axpy", count, ref args);
    }

    /// <summary>output[i] = input[i] &gt; 0 ? input[i] : 0; in place allowed.</summary>
    public void ReluForward(DeviceBuffer<float> output, DeviceBuffer<float> input) =>
        ReluForward(output, input, SameLength(nameof(ReluForward), (output, nameof(output)), (input, nameof(input))));

    public void ReluForward(DeviceBuffer<float> output, DeviceBuffer<float> input, long count)
    {
        Check(nameof(ReluForward), count, (output, nameof(output)), (input, nameof(input)));
        var args = new KernelArgs();
        args.Add(output);
        args.Add(input);
        Launch(ref _reluForward, "relu_forward", count, ref args);
    }

    /// <summary>dx[i] = x[i] &gt; 0 ? dy[i] : 0 (written, not accumulated); x is the forward input.</summary>
    public void ReluBackward(DeviceBuffer<float> dx, DeviceBuffer<float> dy, DeviceBuffer<float> x) =>
        ReluBackward(dx, dy, x, SameLength(nameof(ReluBackward), (dx, nameof(dx)), (dy, nameof(dy)), (x, nameof(x))));

    public void ReluBackward(DeviceBuffer<float> dx, DeviceBuffer<float> dy, DeviceBuffer<float> x, long count)
    {
        Check(nameof(ReluBackward), count, (dx, nameof(dx)), (dy, nameof(dy)), (x, nameof(x)));
        var args = new KernelArgs();
        args.Add(dx);
        args.Add(dy);
        args.Add(x);
        Launch(ref _reluBackward, "relu_backward", count, ref args);
    }

    private void Launch(ref GpuKernel? kernel, string name, long count, ref KernelArgs args)
    {
        if (count == 0) return;
        kernel ??= _library.Kernel(FileName, name);
        args.Add(count);
        var gpu = _library.Gpu;
        long oneWave = (long)Math.Max(1, gpu.Info.MultiprocessorCount) * BlocksPerSmForOneWave;
        long blocks = Math.Min((count + BlockSize - 1) / BlockSize, oneWave);
        var config = new LaunchConfig(new Dim3((uint)blocks), new Dim3(BlockSize));
        gpu.Launch(kernel, config, args);
    }

    private static long LengthOf(DeviceBuffer<float> buffer, string argument)
    {
        ArgumentNullException.ThrowIfNull(buffer, argument);
        return buffer.Length;
    }

    private long SameLength(string operation, params ReadOnlySpan<(DeviceBuffer<float> Buffer, string Name)> buffers)
    {
        long length = LengthOf(buffers[0].Buffer, buffers[0].Name);
        foreach (var (buffer, name) in buffers[1..])
        {
            if (LengthOf(buffer, name) != length)
                throw new ArgumentException(
                    $"{operation}: {name} has {buffer.Length} elements, {buffers[0].Name} has {length}; the buffers must be the same length",
                    name);
        }
        return length;
    }

    private void Check(string operation, long count, params ReadOnlySpan<(DeviceBuffer<float> Buffer, string Name)> buffers)
    {
        if (count < 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{operation}: expected a non-negative element count");
        foreach (var (buffer, name) in buffers)
        {
            ArgumentNullException.ThrowIfNull(buffer, name);
            if (!ReferenceEquals(buffer.Gpu, _library.Gpu))
                throw new ArgumentException(
                    $"{operation}: {name} lives on {buffer.Gpu.Info.Name} ({buffer.Gpu.Info.Backend}), these kernels on {_library.Gpu.Info.Name} ({_library.Gpu.Info.Backend})",
                    name);
            if (buffer.Length < count)
                throw new ArgumentException($"{operation}: {name} has {buffer.Length} elements, fewer than the count {count}", name);
            _ = buffer.Ptr; // throws ObjectDisposedException for a disposed buffer, before the launch
        }
    }
}
