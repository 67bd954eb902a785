using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>
/// Launchers for kernels/dropout.cu: inverted dropout whose mask is element e of the Philox stream (seed, offset),
/// bit-exact with the CPU reference. The backward regenerates the same mask from the same parameters (nothing is
/// stored between the passes). In evaluation both directions are the identity (a device copy, or nothing in place).
/// </summary>
public sealed class DropoutKernels(KernelLibrary library)
{
    public const string FileName = "dropout.cu";

    /// <summary>DROPOUT_BLOCK, the __launch_bounds__ of both kernels.</summary>
    public const uint BlockSize = 256;

    private readonly LayerLaunch _launch = new(library, FileName);
    private GpuKernel? _scalar, _vec4;

    /// <summary>False forces the scalar kernel (tests cover both paths with it).</summary>
    internal bool UseVectorKernels { get; init; } = true;

    /// <summary>y = keep ? x * scale : 0 in training, y = x in evaluation; the buffers are the same length, in place allowed.</summary>
    public void Forward(DeviceBuffer<float> y, DeviceBuffer<float> x, DropoutParams p, bool training) =>
        Apply("Dropout.Forward", y, nameof(y), x, nameof(x), p, training);

    /// <summary>dx = keep ? dy * scale : 0 with the forward's mask (same p) in training, dx = dy in evaluation.</summary>
    public void Backward(DeviceBuffer<float> dx, DeviceBuffer<float> dy, DropoutParams p, bool training) =>
        Apply("Dropout.Backward", dx, nameof(dx), dy, nameof(dy), p, training);

    private void Apply(string op, DeviceBuffer<float> output, string outputName, DeviceBuffer<float> input, string inputName,
        DropoutParams p, bool training)
    {
        ArgumentNullException.ThrowIfNull(p);
        _launch.Device(op, input, inputName);
        _launch.Buffer(op, output, outputName, input.Length);
        if (input.Length == 0) return;
        if (!training)
        {
            if (output.Ptr != input.Ptr) _launch.Gpu.CopyDeviceToDevice(output.Ptr, input.Ptr, input.Bytes);
            return;
        }
        bool vec4 = UseVectorKernels && LayerLaunch.Aligned16(output.Ptr, input.Ptr);
        var kernel = vec4 ? _launch.Kernel(ref _vec4, "dropout_apply_vec4") : _launch.Kernel(ref _scalar, "dropout_apply_f32");
        var args = new KernelArgs();
        args.Add(output);
        args.Add(input);
        args.Add(input.Length);
        args.Add(p.Seed);
        args.Add(p.Offset);
        args.Add(p.Threshold);
        args.Add(p.Scale);
        // One thread per group of four elements (one Philox call).
        _launch.Gpu.Launch(kernel, _launch.GridStride((input.Length + 3) / 4, BlockSize), args);
    }
}
