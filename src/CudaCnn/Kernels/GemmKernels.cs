using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>Which SGEMM kernel runs: the naive baseline (benchmarks) or the tiled one (everything else).</summary>
public enum GemmVersion
{
    V1Naive,
    V2Tiled,
}

/// <summary>How the epilogue adds a bias: none, bias[m] per row of C, or bias[n] per column of C.</summary>
public enum GemmBiasMode
{
    None = 0,
    PerRow = 1,
    PerColumn = 2,
}

/// <summary>A run of <c>batch</c> row-major matrices in a device buffer: matrix i starts at
/// Offset + i * BatchStride (elements) and row r at + r * LeadingDimension.</summary>
public readonly record struct StridedMatrix(DeviceBuffer<float> Buffer, long Offset, int LeadingDimension, long BatchStride = 0)
{
    /// <summary>A single packed rows x cols matrix at the start of the buffer.</summary>
    public static StridedMatrix Packed(DeviceBuffer<float> buffer, int cols) => new(buffer, 0, cols);
}

/// <summary>Fused epilogue of a GEMM: C = act(alpha * op(A) op(B) + beta * C + bias). Bias element j of batch i is
/// Bias[BiasOffset + i * BiasBatchStride + j]; Activation null means identity.</summary>
public readonly record struct GemmEpilogue(
    DeviceBuffer<float>? Bias = null, GemmBiasMode BiasMode = GemmBiasMode.None, long BiasOffset = 0,
    long BiasBatchStride = 0, ActivationParams? Activation = null)
{
    public static GemmEpilogue None => default;
}

/// <summary>
/// Launchers for kernels/gemm.cu: C = act(alpha * op(A) * op(B) + beta * C + bias), row-major with leading
/// dimensions, strided-batched (blockIdx.z is the batch index). op(A) is m x k (A stored m x k, or k x m when
/// transA), op(B) is k x n (B stored k x n, or n x k when transB), C is m x n. With beta = 0, C is not read.
/// Arguments are validated (extents inside each buffer, leading dimensions, same device) before any launch. The
/// float4 variant is chosen only when every operand's start, leading dimension and batch stride are 16-byte
/// aligned; otherwise the scalar tiled kernel runs. Launches allocate nothing.
/// </summary>
public sealed class GemmKernels(KernelLibrary library)
{
    public const string FileName = "gemm.cu";

    /// <summary>GEMM_TILE_M/N and GEMM_THREADS of gemm.cu.</summary>
    public const int Tile = 64;
    public const uint TiledBlockSize = 256;
    /// <summary>GEMM_NAIVE_BLOCK: the naive kernel runs 16 x 16 blocks.</summary>
    public const uint NaiveBlockSide = 16;

    private const int MaxGridYz = 65535;
    private const string Op = "Gemm";

    private readonly KernelLibrary _library = library ?? throw new ArgumentNullException(nameof(library));
    private readonly GpuKernel?[] _tiled = new GpuKernel?[8];
    private GpuKernel? _naive;

    /// <summary>The tiled kernel's name for a transpose combination and load width.</summary>
    public static string TiledKernelName(bool transA, bool transB, bool vectorized) =>
        $"sgemm_v2_tiled_{(transA ? 't' : 'n')}{(transB ? 't' : 'n')}{(vectorized ? "_vec" : "")}";

    /// <summary>Whether the float4 kernel may read and write these operands: starts, leading dimensions and batch
    /// strides all multiples of 4 floats (16 bytes).</summary>
    public static bool CanVectorize(in StridedMatrix a, in StridedMatrix b, in StridedMatrix c) =>
        Aligned(a) && Aligned(b) && Aligned(c);

    private static bool Aligned(in StridedMatrix m) =>
        (m.Buffer.Ptr.Address + (ulong)m.Offset * sizeof(float)) % 16 == 0 && m.LeadingDimension % 4 == 0 && m.BatchStride % 4 == 0;

    /// <summary>Packed single GEMM: A, B and C hold exactly op(A), op(B), C with no padding.</summary>
    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, DeviceBuffer<float> a,
        DeviceBuffer<float> b, float beta, DeviceBuffer<float> c, in GemmEpilogue epilogue = default,
        GemmVersion version = GemmVersion.V2Tiled)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        StridedBatched(1, transA, transB, m, n, k, alpha, new StridedMatrix(a, 0, transA ? m : k),
            new StridedMatrix(b, 0, transB ? k : n), beta, new StridedMatrix(c, 0, n), epilogue, version);
    }

    /// <summary><paramref name="batch"/> independent GEMMs with the given strides; batch 0 or an empty C does nothing.</summary>
    public void StridedBatched(int batch, bool transA, bool transB, int m, int n, int k, float alpha,
        in StridedMatrix a, in StridedMatrix b, float beta, in StridedMatrix c, in GemmEpilogue epilogue = default,
        GemmVersion version = GemmVersion.V2Tiled)
    {
        Validate(batch, transA, transB, m, n, k, a, b, c, epilogue);
        if (batch == 0 || m == 0 || n == 0) return;

        var args = new KernelArgs();
        GpuKernel kernel;
        LaunchConfig config;
        if (version == GemmVersion.V1Naive)
        {
            kernel = _naive ??= _library.Kernel(FileName, "sgemm_v1_naive");
            args.Add(transA ? 1 : 0);
            args.Add(transB ? 1 : 0);
            config = new LaunchConfig(
                new Dim3(Blocks(n, (int)NaiveBlockSide), Blocks(m, (int)NaiveBlockSide), (uint)batch),
                new Dim3(NaiveBlockSide, NaiveBlockSide));
        }
        else
        {
            bool vec = CanVectorize(a, b, c);
            int index = (transA ? 4 : 0) + (transB ? 2 : 0) + (vec ? 1 : 0);
            kernel = _tiled[index] ??= _library.Kernel(FileName, TiledKernelName(transA, transB, vec));
            config = new LaunchConfig(new Dim3(Blocks(n, Tile), Blocks(m, Tile), (uint)batch), new Dim3(TiledBlockSize));
        }
        args.Add(m);
        args.Add(n);
        args.Add(k);
        args.Add(alpha);
        AddMatrix(ref args, a);
        AddMatrix(ref args, b);
        args.Add(beta);
        AddMatrix(ref args, c);
        var activation = epilogue.Activation ?? ActivationParams.Identity;
        if (epilogue.Bias is { } bias) args.Add(bias.Ptr.Offset(epilogue.BiasOffset * sizeof(float)));
        else args.Add(DevicePtr.Null);
        args.Add(epilogue.BiasBatchStride);
        args.Add((int)epilogue.BiasMode);
        args.Add((int)activation.Kind);
        args.Add((float)activation.Alpha);
        _library.Gpu.Launch(kernel, config, args);
    }

    private static uint Blocks(int extent, int tile) => (uint)((extent + tile - 1) / tile);

    private static void AddMatrix(ref KernelArgs args, in StridedMatrix matrix)
    {
        args.Add(matrix.Buffer.Ptr.Offset(matrix.Offset * sizeof(float)));
        args.Add(matrix.LeadingDimension);
        args.Add(matrix.BatchStride);
    }

    private void Validate(int batch, bool transA, bool transB, int m, int n, int k, in StridedMatrix a,
        in StridedMatrix b, in StridedMatrix c, in GemmEpilogue epilogue)
    {
        if (batch < 0 || m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(batch), $"{Op}: batch, m, n, k must be >= 0, got {batch}, {m}, {n}, {k}");
        if (batch > MaxGridYz || (m + Tile - 1) / Tile > MaxGridYz)
            throw new ArgumentOutOfRangeException(nameof(batch), $"{Op}: batch {batch} and m / {Tile} = {(m + Tile - 1) / Tile} must not exceed {MaxGridYz} (grid y/z limit)");
        CheckMatrix(a, nameof(a), batch, transA ? k : m, transA ? m : k);
        CheckMatrix(b, nameof(b), batch, transB ? n : k, transB ? k : n);
        CheckMatrix(c, nameof(c), batch, m, n);
        if (epilogue.BiasMode != GemmBiasMode.None)
        {
            if (epilogue.Bias is not { } bias)
                throw new ArgumentException($"{Op}: bias mode {epilogue.BiasMode} needs a bias buffer", nameof(epilogue));
            int length = epilogue.BiasMode == GemmBiasMode.PerRow ? m : n;
            CheckSpan(bias, "bias", epilogue.BiasOffset, batch, epilogue.BiasBatchStride, length);
        }
    }

    private void CheckMatrix(in StridedMatrix matrix, string name, int batch, int rows, int cols)
    {
        if (matrix.Buffer is null) throw new ArgumentNullException(name);
        if (matrix.LeadingDimension < Math.Max(1, cols))
            throw new ArgumentException($"{Op}: {name} is stored {rows} x {cols}, so its leading dimension must be >= {Math.Max(1, cols)}, got {matrix.LeadingDimension}", name);
        long extent = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * matrix.LeadingDimension + cols;
        CheckSpan(matrix.Buffer, name, matrix.Offset, batch, matrix.BatchStride, extent);
    }

    private void CheckSpan(DeviceBuffer<float> buffer, string name, long offset, int batch, long stride, long extent)
    {
        _library.RequireOn(buffer, name);
        if (offset < 0 || stride < 0)
            throw new ArgumentOutOfRangeException(name, $"{Op}: {name} offset {offset} and batch stride {stride} must be >= 0");
        long needed = batch == 0 || extent == 0 ? 0 : offset + (batch - 1) * stride + extent;
        if (needed > buffer.Length)
            throw new ArgumentException($"{Op}: {name} needs {needed} elements ({batch} matrices of extent {extent} at stride {stride} from offset {offset}), the buffer has {buffer.Length}", name);
    }
}
