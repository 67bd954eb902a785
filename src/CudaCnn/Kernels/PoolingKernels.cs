using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>
/// Launchers for kernels/pooling.cu: max pooling (with argmax) and average pooling forward and backward, global
/// average pooling. Max pooling's backward scatters through the argmax where windows cannot overlap (stride &gt;=
/// kernel on both axes: dx is zero-filled, then each dy lands on its argmax) and gathers otherwise. Shapes follow
/// <see cref="Pool2dParams.OutputShape"/>; arguments are checked before any device call.
/// </summary>
public sealed class PoolingKernels(KernelLibrary library)
{
    public const string FileName = "pooling.cu";

    /// <summary>POOL_BLOCK, the __launch_bounds__ of every kernel in the file.</summary>
    public const uint BlockSize = 256;

    private readonly LayerLaunch _launch = new(library, FileName);
    private GpuKernel? _maxForward, _maxScatter, _maxGather, _avgForward, _avgBackward, _globalForward, _globalBackward;

    /// <summary>Whether <see cref="MaxBackward"/> scatters (no window overlaps another) rather than gathers.</summary>
    public static bool MaxBackwardScatters(Pool2dParams p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.StrideH >= p.KernelH && p.StrideW >= p.KernelW;
    }

    /// <summary>y = max over each window, argmax = h * W + w of the winner within its plane.</summary>
    public void MaxForward(Tensor x, Pool2dParams p, Tensor y, DeviceBuffer<int> argmax)
    {
        const string op = "MaxPool2d.Forward";
        var (xShape, yShape) = Shapes(op, x, nameof(x), p, y, nameof(y));
        _launch.Buffer(op, argmax, nameof(argmax), yShape.Elements);
        var args = new KernelArgs();
        args.Add(y.Buffer);
        args.Add(argmax);
        args.Add(x.Buffer);
        Launch(ref _maxForward, "max_pool2d_forward", yShape.Elements, ref args, xShape, yShape, p);
    }

    /// <summary>dx (written) = the sum of dy over the windows whose argmax each input cell is.</summary>
    public void MaxBackward(Tensor dy, DeviceBuffer<int> argmax, Pool2dParams p, Tensor dx)
    {
        const string op = "MaxPool2d.Backward";
        var (xShape, yShape) = Shapes(op, dx, nameof(dx), p, dy, nameof(dy));
        _launch.Buffer(op, argmax, nameof(argmax), yShape.Elements);
        var args = new KernelArgs();
        args.Add(dx.Buffer);
        args.Add(dy.Buffer);
        args.Add(argmax);
        if (MaxBackwardScatters(p))
        {
            _launch.Gpu.Fill32(dx.Ptr, 0, xShape.Elements);
            Launch(ref _maxScatter, "max_pool2d_backward_scatter", yShape.Elements, ref args, xShape, yShape, p);
        }
        else
        {
            Launch(ref _maxGather, "max_pool2d_backward_gather", xShape.Elements, ref args, xShape, yShape, p);
        }
    }

    /// <summary>y = the mean of each window (divisor per <see cref="Pool2dParams.CountIncludePad"/>).</summary>
    public void AvgForward(Tensor x, Pool2dParams p, Tensor y)
    {
        var (xShape, yShape) = Shapes("AvgPool2d.Forward", x, nameof(x), p, y, nameof(y));
        var args = new KernelArgs();
        args.Add(y.Buffer);
        args.Add(x.Buffer);
        Launch(ref _avgForward, "avg_pool2d_forward", yShape.Elements, ref args, xShape, yShape, p);
    }

    /// <summary>dx (written) = the sum of dy / divisor over the windows covering each input cell.</summary>
    public void AvgBackward(Tensor dy, Pool2dParams p, Tensor dx)
    {
        var (xShape, yShape) = Shapes("AvgPool2d.Backward", dx, nameof(dx), p, dy, nameof(dy));
        var args = new KernelArgs();
        args.Add(dx.Buffer);
        args.Add(dy.Buffer);
        Launch(ref _avgBackward, "avg_pool2d_backward", xShape.Elements, ref args, xShape, yShape, p);
    }

    /// <summary>y[n, c, 0, 0] = the mean of x[n, c, :, :]; y is [N, C, 1, 1].</summary>
    public void GlobalAvgForward(Tensor x, Tensor y)
    {
        const string op = "GlobalAvgPool.Forward";
        var xShape = _launch.Nchw(op, x, nameof(x));
        _launch.Tensor(op, y, nameof(y), new TensorShape(xShape.N, xShape.C, 1, 1), $"x: {xShape}");
        long planes = (long)xShape.N * xShape.C;
        var args = new KernelArgs();
        args.Add(y.Buffer);
        args.Add(x.Buffer);
        args.Add(planes);
        args.Add((long)xShape.H * xShape.W);
        // One warp per plane.
        _launch.Gpu.Launch(_launch.Kernel(ref _globalForward, "global_avg_pool_forward"), _launch.GridStride(planes * 32, BlockSize), args);
    }

    /// <summary>dx[n, c, h, w] = dy[n, c] / (H * W) (written).</summary>
    public void GlobalAvgBackward(Tensor dy, Tensor dx)
    {
        const string op = "GlobalAvgPool.Backward";
        var xShape = _launch.Nchw(op, dx, nameof(dx));
        _launch.Tensor(op, dy, nameof(dy), new TensorShape(xShape.N, xShape.C, 1, 1), $"dx: {xShape}");
        var args = new KernelArgs();
        args.Add(dx.Buffer);
        args.Add(dy.Buffer);
        args.Add((long)xShape.N * xShape.C);
        args.Add((long)xShape.H * xShape.W);
        _launch.Gpu.Launch(_launch.Kernel(ref _globalBackward, "global_avg_pool_backward"), _launch.GridStride(xShape.Elements, BlockSize), args);
    }

    /// <summary>Checks the input-side tensor is NCHW and the output-side tensor has the shape p gives it.</summary>
    private (TensorShape X, TensorShape Y) Shapes(string op, Tensor input, string inputName, Pool2dParams p, Tensor output, string outputName)
    {
        ArgumentNullException.ThrowIfNull(p);
        var xShape = _launch.Nchw(op, input, inputName);
        var yShape = p.OutputShape(xShape);
        _launch.Tensor(op, output, outputName, yShape,
            $"{inputName}: {xShape}, {p.KernelH}x{p.KernelW} window, stride {p.StrideH}x{p.StrideW}, padding {p.PadH}x{p.PadW}, {p.Rounding}");
        return (xShape, yShape);
    }

    /// <summary>Appends the planes and POOL_GEOMETRY_PARAMS (pooling.cu's order) and launches over <paramref name="items"/>.</summary>
    private void Launch(ref GpuKernel? slot, string name, long items, ref KernelArgs args, TensorShape x, TensorShape y, Pool2dParams p)
    {
        args.Add((long)x.N * x.C);
        args.Add(x.H);
        args.Add(x.W);
        args.Add(y.H);
        args.Add(y.W);
        args.Add(p.KernelH);
        args.Add(p.KernelW);
        args.Add(p.StrideH);
        args.Add(p.StrideW);
        args.Add(p.PadH);
        args.Add(p.PadW);
        args.Add(p.CountIncludePad ? 1 : 0);
        _launch.Gpu.Launch(_launch.Kernel(ref slot, name), _launch.GridStride(items, BlockSize), args);
    }
}
