using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>
/// Launchers for kernels/im2col.cu. Im2col writes the [C * kH * kW, OH * OW] column matrix of one image of an
/// NCHW tensor; Col2im writes (=) one image from such a matrix (the adjoint: each input element gathers its
/// entries, deterministically). BiasBackward accumulates (+=) db[k] = sum over n, h, w of dy. Validation happens
/// before any launch; launches allocate nothing.
/// </summary>
public sealed class Im2colKernels(KernelLibrary library)
{
    public const string FileName = "im2col.cu";

    /// <summary>IM2COL_BLOCK and BIAS_GRAD_BLOCK of im2col.cu.</summary>
    public const uint BlockSize = 256;

    /// <summary>Resident blocks per SM that fill a 2048-thread SM; the grid-stride loop covers the rest.</summary>
    private const int BlocksPerSmForOneWave = 2048 / (int)BlockSize;

    private readonly KernelLibrary _library = library ?? throw new ArgumentNullException(nameof(library));
    private GpuKernel? _im2col, _col2im, _biasBackward;

    /// <summary>Rows and columns of the column matrix of one image of <paramref name="x"/>.</summary>
    public static (int Rows, int Columns) ColumnShape(TensorShape x, int kH, int kW, Conv2dParams p)
    {
        var (oh, ow) = p.OutputSize(x.H, x.W, kH, kW);
        long rows = (long)x.C * kH * kW, columns = (long)oh * ow;
        if (rows * columns > int.MaxValue || (long)x.C * x.H * x.W > int.MaxValue)
            throw new ArgumentException($"Im2col: one image's column matrix ({rows} x {columns}) and plane (x: {x}) must stay below 2^31 elements");
        return ((int)rows, (int)columns);
    }

    /// <summary>col[0 .. rows * columns) = im2col of image <paramref name="image"/> of x.</summary>
    public void Im2col(Tensor x, int image, int kH, int kW, Conv2dParams p, DeviceBuffer<float> col)
    {
        var (oh, ow, columnElements) = Prepare(nameof(Im2col), x, image, kH, kW, p, col);
        var args = new KernelArgs();
        args.Add(col);
        args.Add(ImagePtr(x, image));
        AddGeometry(ref args, x.Shape, kH, kW, p, oh, ow);
        Launch(ref _im2col, "im2col", columnElements, ref args);
    }

    /// <summary>Image <paramref name="image"/> of x = col2im(col) (written, =).</summary>
    public void Col2im(DeviceBuffer<float> col, int kH, int kW, Conv2dParams p, Tensor x, int image)
    {
        var (oh, ow, _) = Prepare(nameof(Col2im), x, image, kH, kW, p, col);
        var args = new KernelArgs();
        args.Add(ImagePtr(x, image));
        args.Add(col);
        AddGeometry(ref args, x.Shape, kH, kW, p, oh, ow);
        Launch(ref _col2im, "col2im", (long)x.Shape.C * x.Shape.H * x.Shape.W, ref args);
    }

    /// <summary>db[k] += sum over n, h, w of dy[n, k, h, w]; db has dy.C elements.</summary>
    public void BiasBackward(Tensor dy, DeviceBuffer<float> db)
    {
        ArgumentNullException.ThrowIfNull(dy);
        ArgumentNullException.ThrowIfNull(db);
        _library.RequireOn(dy.Buffer, nameof(dy));
        _library.RequireOn(db, nameof(db));
        var s = dy.Shape;
        if (s.Rank != 4)
            throw new ArgumentException($"Conv2d.BackwardBias: dy must be NCHW (rank 4), got {s}", nameof(dy));
        if (db.Length != s.C)
            throw new ArgumentException($"Conv2d.BackwardBias: db has {db.Length} elements, dy has {s.C} channels (dy: {s})", nameof(db));
        _biasBackward ??= _library.Kernel(FileName, "conv_bias_backward");
        var args = new KernelArgs();
        args.Add(db);
        args.Add(dy.Buffer);
        args.Add(s.N);
        args.Add(s.C);
        args.Add((long)s.H * s.W);
        _library.Gpu.Launch(_biasBackward, new LaunchConfig(new Dim3((uint)s.C), new Dim3(BlockSize)), args);
    }

    private (int OH, int OW, long ColumnElements) Prepare(string operation, Tensor x, int image, int kH, int kW,
        Conv2dParams p, DeviceBuffer<float> col)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(col);
        ArgumentNullException.ThrowIfNull(p);
        _library.RequireOn(x.Buffer, nameof(x));
        _library.RequireOn(col, nameof(col));
        if (x.Shape.Rank != 4) throw new ArgumentException($"{operation}: x must be NCHW (rank 4), got {x.Shape}", nameof(x));
        if ((uint)image >= (uint)x.Shape.N)
            throw new ArgumentOutOfRangeException(nameof(image), image, $"{operation}: image must be in [0, {x.Shape.N}) for x {x.Shape}");
        if (kH <= 0 || kW <= 0)
            throw new ArgumentOutOfRangeException(nameof(kH), $"{operation}: filter size must be positive, got {kH}x{kW}");
        var (rows, columns) = ColumnShape(x.Shape, kH, kW, p);
        long elements = (long)rows * columns;
        if (col.Length < elements)
            throw new ArgumentException($"{operation}: col has {col.Length} elements, the column matrix needs {rows} x {columns} = {elements} (x: {x.Shape}, filter {kH}x{kW})", nameof(col));
        var (oh, ow) = p.OutputSize(x.Shape.H, x.Shape.W, kH, kW);
        return (oh, ow, elements);
    }

    private static DevicePtr ImagePtr(Tensor x, int image) =>
        x.Ptr.Offset((long)image * x.Shape.C * x.Shape.H * x.Shape.W * sizeof(float));

    private static void AddGeometry(ref KernelArgs args, TensorShape x, int kH, int kW, Conv2dParams p, int oh, int ow)
    {
        args.Add(x.C);
        args.Add(x.H);
        args.Add(x.W);
        args.Add(kH);
        args.Add(kW);
        args.Add(p.StrideH);
        args.Add(p.StrideW);
        args.Add(p.PadH);
        args.Add(p.PadW);
        args.Add(p.DilationH);
        args.Add(p.DilationW);
        args.Add(oh);
        args.Add(ow);
    }

    private void Launch(ref GpuKernel? kernel, string name, long work, ref KernelArgs args)
    {
        kernel ??= _library.Kernel(FileName, name);
        long oneWave = (long)Math.Max(1, _library.Gpu.Info.MultiprocessorCount) * BlocksPerSmForOneWave;
        long blocks = Math.Max(1, Math.Min((work + BlockSize - 1) / BlockSize, oneWave));
        _library.Gpu.Launch(kernel, new LaunchConfig(new Dim3((uint)blocks), new Dim3(BlockSize)), args);
    }
}
