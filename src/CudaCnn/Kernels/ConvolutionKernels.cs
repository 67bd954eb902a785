using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>
/// The transformed weights of one convolution for a Winograd algorithm and direction. Computed by
/// <see cref="ConvolutionKernels.TransformFilter"/>; valid while the weights do not change (call
/// <see cref="ConvolutionKernels.RefreshFilter"/> after an update). Owns its device buffer.
/// </summary>
public sealed class WinogradFilter : IDisposable
{
    internal WinogradFilter(ConvAlgorithm algorithm, ConvDirection direction, TensorShape weightShape, DeviceBuffer<float> data) =>
        (Algorithm, Direction, WeightShape, Data) = (algorithm, direction, weightShape, data);

    public ConvAlgorithm Algorithm { get; }
    public ConvDirection Direction { get; }
    public TensorShape WeightShape { get; }
    public DeviceBuffer<float> Data { get; }

    public void Dispose() => Data.Dispose();
}

/// <summary>
/// Convolution entry points (NCHW, float32) for the layers: forward with fused bias and activation, backward
/// data (dx written, =), backward filter (dw accumulated, +=), backward bias (db accumulated, +=). Each call
/// validates shapes and the workspace (size from <see cref="ConvAlgorithms.WorkspaceElements"/>) before touching
/// the device, resolves the algorithm (an unsupported one is an error, never a fallback) and enqueues its
/// launches without allocating.
/// </summary>
public sealed class ConvolutionKernels
{
    private readonly KernelLibrary _library;

    public ConvolutionKernels(KernelLibrary library)
    {
        _library = library ?? throw new ArgumentNullException(nameof(library));
        Gemm = new GemmKernels(library);
        Im2col = new Im2colKernels(library);
        Winograd = new WinogradKernels(library, Gemm);
    }

    public GemmKernels Gemm { get; }
    public Im2colKernels Im2col { get; }
    public WinogradKernels Winograd { get; }

    /// <summary>y = act(conv(x, w) + bias). bias may be null; activation null means identity.</summary>
    public void Forward(Tensor x, Tensor w, Tensor? bias, Tensor y, Conv2dParams p, ConvAlgorithm algorithm,
        DeviceBuffer<float>? workspace, ActivationParams? activation = null, WinogradFilter? filter = null)
    {
        const ConvDirection direction = ConvDirection.Forward;
        var g = Check(direction, x, w, y, nameof(y), p);
        if (bias is not null)
        {
            _library.RequireOn(bias.Buffer, nameof(bias));
            if (bias.Elements != g.K)
                throw new ArgumentException($"Conv2d.Forward: bias has {bias.Elements} elements, weight has {g.K} output channels (bias: {bias.Shape}, weight: {w.Shape})", nameof(bias));
        }
        var concrete = ConvAlgorithms.Resolve(algorithm, direction, x.Shape, w.Shape, p);
        CheckWorkspace(direction, concrete, x.Shape, w.Shape, p, filter, workspace);

        if (concrete is ConvAlgorithm.Winograd2x2 or ConvAlgorithm.Winograd4x4)
        {
            var (u, offset) = FilterFor(concrete, direction, w, filter, workspace!, x.Shape, p);
            Winograd.Convolve(ConvAlgorithms.TileOf(concrete), x, u, offset, p.PadH, p.PadW, y, bias?.Buffer, activation, workspace!);
            return;
        }
        var epilogue = bias is null
            ? new GemmEpilogue(Activation: activation)
            : new GemmEpilogue(bias.Buffer, GemmBiasMode.PerRow, 0, g.Kg, activation);
        for (int n = 0; n < g.N; n++)
        {
            var columns = ColumnsOf(concrete, x, n, w, p, workspace, g);
            Gemm.StridedBatched(g.Groups, false, false, g.Kg, g.Columns, g.Rows, 1f,
                new StridedMatrix(w.Buffer, 0, g.Rows, (long)g.Kg * g.Rows), columns, 0f,
                new StridedMatrix(y.Buffer, (long)n * g.K * g.Columns, g.Columns, (long)g.Kg * g.Columns), epilogue);
        }
    }

    /// <summary>dx = the gradient of sum(dy * conv(x, w)) with respect to x (written, =).</summary>
    public void BackwardData(Tensor dy, Tensor w, Tensor dx, Conv2dParams p, ConvAlgorithm algorithm,
        DeviceBuffer<float>? workspace, WinogradFilter? filter = null)
    {
        const ConvDirection direction = ConvDirection.BackwardData;
        var g = Check(direction, dx, w, dy, nameof(dy), p);
        var concrete = ConvAlgorithms.Resolve(algorithm, direction, dx.Shape, w.Shape, p);
        CheckWorkspace(direction, concrete, dx.Shape, w.Shape, p, filter, workspace);

        if (concrete is ConvAlgorithm.Winograd2x2 or ConvAlgorithm.Winograd4x4)
        {
            var (u, offset) = FilterFor(concrete, direction, w, filter, workspace!, dx.Shape, p);
            Winograd.Convolve(ConvAlgorithms.TileOf(concrete), dy, u, offset, 2 - p.PadH, 2 - p.PadW, dx, null, null, workspace!);
            return;
        }
        bool direct = concrete == ConvAlgorithm.Gemm1x1;
        for (int n = 0; n < g.N; n++)
        {
            // dcol = W^T dy per group; for 1x1 the "column matrix" is dx itself.
            var dcol = direct
                ? new StridedMatrix(dx.Buffer, (long)n * g.C * g.Columns, g.Columns, (long)g.Rows * g.Columns)
                : new StridedMatrix(workspace!, 0, g.Columns, (long)g.Rows * g.Columns);
            Gemm.StridedBatched(g.Groups, true, false, g.Rows, g.Columns, g.Kg, 1f,
                new StridedMatrix(w.Buffer, 0, g.Rows, (long)g.Kg * g.Rows),
                new StridedMatrix(dy.Buffer, (long)n * g.K * g.Columns, g.Columns, (long)g.Kg * g.Columns), 0f, dcol);
            if (!direct) Im2col.Col2im(workspace!, w.Shape.H, w.Shape.W, p, dx, n);
        }
    }

    /// <summary>dw += the gradient of sum(dy * conv(x, w)) with respect to w.</summary>
    public void BackwardFilter(Tensor x, Tensor dy, Tensor dw, Conv2dParams p, ConvAlgorithm algorithm,
        DeviceBuffer<float>? workspace)
    {
        const ConvDirection direction = ConvDirection.BackwardFilter;
        var g = Check(direction, x, dw, dy, nameof(dy), p);
        var concrete = ConvAlgorithms.Resolve(algorithm, direction, x.Shape, dw.Shape, p);
        CheckWorkspace(direction, concrete, x.Shape, dw.Shape, p, null, workspace);
        for (int n = 0; n < g.N; n++)
        {
            var columns = ColumnsOf(concrete, x, n, dw, p, workspace, g);
            // dW_g += dy_g col_g^T: col is stored rows x columns, read transposed.
            Gemm.StridedBatched(g.Groups, false, true, g.Kg, g.Rows, g.Columns, 1f,
                new StridedMatrix(dy.Buffer, (long)n * g.K * g.Columns, g.Columns, (long)g.Kg * g.Columns), columns, 1f,
                new StridedMatrix(dw.Buffer, 0, g.Rows, (long)g.Kg * g.Rows));
        }
    }

    /// <summary>db[k] += sum over n, h, w of dy[n, k, h, w].</summary>
    public void BackwardBias(Tensor dy, Tensor db)
    {
        ArgumentNullException.ThrowIfNull(db);
        Im2col.BiasBackward(dy, db.Buffer);
    }

    /// <summary>The Winograd transform of w for <paramref name="algorithm"/> (Winograd2x2 or Winograd4x4) and
    /// <paramref name="direction"/> (Forward or BackwardData), in a new buffer the caller disposes.</summary>
    public WinogradFilter TransformFilter(Tensor w, ConvAlgorithm algorithm, ConvDirection direction)
    {
        ArgumentNullException.ThrowIfNull(w);
        _library.RequireOn(w.Buffer, nameof(w));
        var tile = ConvAlgorithms.TileOf(algorithm);
        if (direction == ConvDirection.BackwardFilter)
            throw new NotSupportedException($"Conv2d.TransformFilter: {algorithm} has no backward-filter pass");
        bool flip = direction == ConvDirection.BackwardData;
        var data = new DeviceBuffer<float>(_library.Gpu, WinogradKernels.FilterElements(tile, w.Shape.N, w.Shape.C));
        var filter = new WinogradFilter(algorithm, direction, w.Shape, data);
        Winograd.TransformFilter(tile, w, flip, data);
        return filter;
    }

    /// <summary>Recomputes <paramref name="filter"/> from updated weights of the same shape.</summary>
    public void RefreshFilter(WinogradFilter filter, Tensor w)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(w);
        if (w.Shape != filter.WeightShape)
            throw new ArgumentException($"Conv2d.RefreshFilter: the filter was made for weight {filter.WeightShape}, got {w.Shape}", nameof(w));
        Winograd.TransformFilter(ConvAlgorithms.TileOf(filter.Algorithm), w, filter.Direction == ConvDirection.BackwardData, filter.Data);
    }

    /// <summary>Per-call geometry: N, C, K, groups, and per group the GEMM sizes (rows = Cg kH kW, columns = OH OW).</summary>
    private readonly record struct Geometry(int N, int C, int K, int Groups, int Kg, int Rows, int Columns);

    /// <summary>Validates x (or dx), w (or dw) and y (or dy) for <paramref name="direction"/>.</summary>
    private Geometry Check(ConvDirection direction, Tensor x, Tensor w, Tensor y, string yName, Conv2dParams p)
    {
        string xName = direction == ConvDirection.BackwardData ? "dx" : "x";
        string wName = direction == ConvDirection.BackwardFilter ? "dw" : "weight";
        ArgumentNullException.ThrowIfNull(x, xName);
        ArgumentNullException.ThrowIfNull(w, wName);
        ArgumentNullException.ThrowIfNull(y, yName);
        ArgumentNullException.ThrowIfNull(p);
        _library.RequireOn(x.Buffer, xName);
        _library.RequireOn(w.Buffer, wName);
        _library.RequireOn(y.Buffer, yName);
        var (xs, ws, ys) = (x.Shape, w.Shape, y.Shape);
        if (xs.Rank != 4 || ws.Rank != 4)
            throw new ArgumentException($"Conv2d.{direction}: {xName} and {wName} must be NCHW (rank 4) ({xName}: {xs}, {wName}: {ws})", xName);
        if (xs.C != ws.C * p.Groups)
            throw new ArgumentException($"Conv2d.{direction}: {xName} has {xs.C} channels, {wName} expects {ws.C * p.Groups} ({xName}: {xs}, {wName}: {ws}{(p.Groups == 1 ? "" : $", groups {p.Groups}")})", xName);
        TensorShape expected;
        try
        {
            expected = p.OutputShape(xs, ws);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Conv2d.{direction}: {e.Message}", xName, e);
        }
        if (ys != expected)
            throw new ArgumentException($"Conv2d.{direction}: {yName} is {ys}, expected {expected} ({xName}: {xs}, {wName}: {ws}, {ConvAlgorithms.Describe(p)})", yName);
        var (rows, columns) = Im2colKernels.ColumnShape(xs, ws.H, ws.W, p);
        return new Geometry(xs.N, xs.C, ws.N, p.Groups, ws.N / p.Groups, rows / p.Groups, columns);
    }

    private void CheckWorkspace(ConvDirection direction, ConvAlgorithm concrete, TensorShape x, TensorShape w, Conv2dParams p,
        WinogradFilter? filter, DeviceBuffer<float>? workspace)
    {
        if (filter is not null)
        {
            if (filter.Algorithm != concrete || filter.Direction != direction || filter.WeightShape != w)
                throw new ArgumentException($"Conv2d.{direction}: the Winograd filter was made for {filter.Algorithm} {filter.Direction} on weight {filter.WeightShape}, this call is {concrete} {direction} on weight {w}", nameof(filter));
            _library.RequireOn(filter.Data, nameof(filter));
        }
        long needed = ConvAlgorithms.WorkspaceElements(direction, concrete, x, w, p, filter is not null);
        if (needed == 0) return;
        if (workspace is null)
            throw new ArgumentNullException(nameof(workspace), $"Conv2d.{direction}: {concrete} needs a workspace of {needed} elements");
        _library.RequireOn(workspace, nameof(workspace));
        if (workspace.Length < needed)
            throw new ArgumentException($"Conv2d.{direction}: the workspace has {workspace.Length} elements, {concrete} needs {needed} (x: {x}, weight: {w})", nameof(workspace));
    }

    /// <summary>The transformed filter: the cached one, or computed into the workspace past V and M.</summary>
    private (DeviceBuffer<float> Buffer, long Offset) FilterFor(ConvAlgorithm concrete, ConvDirection direction, Tensor w,
        WinogradFilter? filter, DeviceBuffer<float> workspace, TensorShape x, Conv2dParams p)
    {
        if (filter is not null) return (filter.Data, 0);
        var tile = ConvAlgorithms.TileOf(concrete);
        long offset = ConvAlgorithms.WorkspaceElements(direction, concrete, x, w.Shape, p, filterCached: true);
        Winograd.TransformFilter(tile, w, direction == ConvDirection.BackwardData, workspace, offset);
        return (workspace, offset);
    }

    /// <summary>Column matrix of image n as the GEMM's B operand (one block of rows per group): im2col into the
    /// workspace, or x itself for a 1x1 convolution.</summary>
    private StridedMatrix ColumnsOf(ConvAlgorithm concrete, Tensor x, int n, Tensor w, Conv2dParams p,
        DeviceBuffer<float>? workspace, in Geometry g)
    {
        long groupStride = (long)g.Rows * g.Columns;
        if (concrete == ConvAlgorithm.Gemm1x1)
            return new StridedMatrix(x.Buffer, (long)n * g.C * g.Columns, g.Columns, groupStride);
        Im2col.Im2col(x, n, w.Shape.H, w.Shape.W, p, workspace!);
        return new StridedMatrix(workspace!, 0, g.Columns, groupStride);
    }
}
