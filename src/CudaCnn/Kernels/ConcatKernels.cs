using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>
/// Launchers for kernels/concat.cu: concatenation of NCHW tensors along channels (one launch per part) and its
/// backward (each part's gradient is its channel slice of dy). Parts must agree with the output in N, H and W and
/// their channels must add up to the output's.
/// </summary>
public sealed class ConcatKernels(KernelLibrary library)
{
    public const string FileName = "concat.cu";

    /// <summary>CONCAT_BLOCK, the __launch_bounds__ of both kernels.</summary>
    public const uint BlockSize = 256;

    private readonly LayerLaunch _launch = new(library, FileName);
    private GpuKernel? _forward, _backward;

    /// <summary>y = concat(parts, dim = 1) (written).</summary>
    public void Forward(Tensor y, params ReadOnlySpan<Tensor> parts) => Run("Concat.Forward", y, nameof(y), parts, ref _forward, "concat_channels_forward", intoWhole: true);

    /// <summary>dparts[i] = the channel slice of dy that part i filled (written).</summary>
    public void Backward(Tensor dy, params ReadOnlySpan<Tensor> dparts) => Run("Concat.Backward", dy, nameof(dy), dparts, ref _backward, "concat_channels_backward", intoWhole: false);

    private void Run(string op, Tensor whole, string wholeName, ReadOnlySpan<Tensor> parts, ref GpuKernel? slot, string kernel, bool intoWhole)
    {
        var shape = _launch.Nchw(op, whole, wholeName);
        if (parts.IsEmpty) throw new ArgumentException($"{op}: expected at least one part", nameof(parts));
        int channels = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            // The part's index is formatted only into an error: a launch allocates nothing.
            var part = _launch.Nchw(op, parts[i], nameof(parts));
            if (part.N != shape.N || part.H != shape.H || part.W != shape.W)
                throw new ArgumentException($"{op}: parts[{i}] has shape {part}; every part needs {wholeName}'s N, H, W ({wholeName}: {shape})", nameof(parts));
            channels += part.C;
        }
        if (channels != shape.C)
            throw new ArgumentException($"{op}: the parts have {channels} channels in all, {wholeName} has {shape.C} ({wholeName}: {shape})", nameof(parts));

        long spatial = (long)shape.H * shape.W;
        int offset = 0;
        foreach (var part in parts)
        {
            var args = new KernelArgs();
            // Kernel arguments are (destination, source).
            args.Add(intoWhole ? whole.Buffer : part.Buffer);
            args.Add(intoWhole ? part.Buffer : whole.Buffer);
            args.Add(part.Elements);
            args.Add(part.Shape.C * spatial);
            args.Add(shape.C * spatial);
            args.Add(offset * spatial);
            _launch.Gpu.Launch(_launch.Kernel(ref slot, kernel), _launch.GridStride(part.Elements, BlockSize), args);
            offset += part.Shape.C;
        }
    }
}
