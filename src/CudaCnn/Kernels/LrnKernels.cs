using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>
/// Launchers for kernels/lrn.cu: local response normalization across channels. The forward also writes the
/// denominator's base, scale = k + a * (window sum of x^2), which the backward reuses. Every tensor has x's NCHW
/// shape; arguments are checked before any device call.
/// </summary>
public sealed class LrnKernels(KernelLibrary library)
{
    public const string FileName = "lrn.cu";

    /// <summary>LRN_BLOCK, the __launch_bounds__ of both kernels.</summary>
    public const uint BlockSize = 256;

    private readonly LayerLaunch _launch = new(library, FileName);
    private GpuKernel? _forward, _backward;

    /// <summary>y = x * scale^(-beta) and scale (both written).</summary>
    public void Forward(Tensor x, LrnParams p, Tensor y, Tensor scale)
    {
        const string op = "Lrn.Forward";
        ArgumentNullException.ThrowIfNull(p);
        var shape = _launch.Nchw(op, x, nameof(x));
        _launch.Tensor(op, y, nameof(y), shape, $"x: {shape}");
        _launch.Tensor(op, scale, nameof(scale), shape, $"x: {shape}");
        Distinct(op, (x, nameof(x)), (y, nameof(y)), (scale, nameof(scale)));
        var args = new KernelArgs();
        args.Add(y.Buffer);
        args.Add(scale.Buffer);
        args.Add(x.Buffer);
        Launch(ref _forward, "lrn_forward", ref args, shape, p, withK: true);
    }

    /// <summary>dx (written) from dy, the forward's x, y and scale.</summary>
    public void Backward(Tensor dy, Tensor x, Tensor y, Tensor scale, LrnParams p, Tensor dx)
    {
        const string op = "Lrn.Backward";
        ArgumentNullException.ThrowIfNull(p);
        var shape = _launch.Nchw(op, x, nameof(x));
        _launch.Tensor(op, dy, nameof(dy), shape, $"x: {shape}");
        _launch.Tensor(op, y, nameof(y), shape, $"x: {shape}");
        _launch.Tensor(op, scale, nameof(scale), shape, $"x: {shape}");
        _launch.Tensor(op, dx, nameof(dx), shape, $"x: {shape}");
        Distinct(op, (dx, nameof(dx)), (dy, nameof(dy)), (x, nameof(x)), (y, nameof(y)), (scale, nameof(scale)));
        var args = new KernelArgs();
        args.Add(dx.Buffer);
        args.Add(dy.Buffer);
        args.Add(x.Buffer);
        args.Add(y.Buffer);
        args.Add(scale.Buffer);
        Launch(ref _backward, "lrn_backward", ref args, shape, p, withK: false);
    }

    /// <summary>A thread reads a window of channels after writing earlier ones, so no output may alias an input.</summary>
    private static void Distinct(string op, params ReadOnlySpan<(Tensor Tensor, string Name)> tensors)
    {
        for (int i = 0; i < tensors.Length; i++)
            for (int j = 0; j < i; j++)
                if (tensors[i].Tensor.Ptr == tensors[j].Tensor.Ptr)
                    throw new ArgumentException($"{op}: {tensors[i].Name} and {tensors[j].Name} are the same memory; LRN cannot run in place", tensors[i].Name);
    }

    /// <summary>Appends the geometry and coefficients (lrn.cu's order; a = p.SumScale) and launches one thread per pixel.</summary>
    private void Launch(ref GpuKernel? slot, string name, ref KernelArgs args, TensorShape shape, LrnParams p, bool withK)
    {
        long spatial = (long)shape.H * shape.W;
        args.Add(shape.N);
        args.Add(shape.C);
        args.Add(spatial);
        args.Add(p.LookBehind);
        args.Add(p.LookAhead);
        args.Add((float)p.SumScale);
        args.Add((float)p.Beta);
        if (withK) args.Add((float)p.K);
        _launch.Gpu.Launch(_launch.Kernel(ref slot, name), _launch.GridStride(shape.N * spatial, BlockSize), args);
    }
}
