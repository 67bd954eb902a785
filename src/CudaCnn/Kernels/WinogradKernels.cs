using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>Output tile of a Winograd convolution F(m x m, 3x3); the value is m.</summary>
public enum WinogradTile
{
    F2x2 = 2,
    F4x4 = 4,
}

/// <summary>
/// Launchers for kernels/winograd.cu plus the batched GEMM between the transforms: a 3x3, stride-1 convolution
/// (no groups) of x [N, I, H, W] into y [N, O, OH, OW], OH = H + 2 padH - 2. The filter transform U
/// [alpha^2, O, I] is a separate step so a caller can keep it while the weights do not change. The workspace
/// holds the transformed input V [alpha^2, I, P] and the product M [alpha^2, O, P], P = N * tilesH * tilesW.
/// Bias and activation are fused into the output transform. Every output is written (=).
/// </summary>
public sealed class WinogradKernels(KernelLibrary library, GemmKernels gemm)
{
    public const string FileName = "winograd.cu";

    /// <summary>WINOGRAD_BLOCK of winograd.cu.</summary>
    public const uint BlockSize = 128;

    private const int MaxGridY = 65535;

    private readonly KernelLibrary _library = library ?? throw new ArgumentNullException(nameof(library));
    private readonly GemmKernels _gemm = gemm ?? throw new ArgumentNullException(nameof(gemm));
    private readonly GpuKernel?[] _kernels = new GpuKernel?[6];

    /// <summary>alpha = m + 2, the side of a transformed tile.</summary>
    public static int Alpha(WinogradTile tile) => (int)tile + 2;

    public static (int TilesH, int TilesW) Tiles(WinogradTile tile, int outH, int outW) =>
        ((outH + (int)tile - 1) / (int)tile, (outW + (int)tile - 1) / (int)tile);

    /// <summary>Elements of a transformed filter for O output and I input channels.</summary>
    public static long FilterElements(WinogradTile tile, int outChannels, int inChannels) =>
        (long)Alpha(tile) * Alpha(tile) * outChannels * inChannels;

    /// <summary>Workspace elements of <see cref="Convolve"/>: V and M.</summary>
    public static long WorkspaceElements(WinogradTile tile, int batch, int inChannels, int outChannels, int outH, int outW)
    {
        var (th, tw) = Tiles(tile, outH, outW);
        return (long)Alpha(tile) * Alpha(tile) * batch * th * tw * (inChannels + outChannels);
    }

    /// <summary>u = the transform of w [O, I, 3, 3]; with <paramref name="flipForBackwardData"/>, of the flipped,
    /// transposed filter (O = w's input channels, I = its output channels), which turns the convolution into
    /// backward data.</summary>
    public void TransformFilter(WinogradTile tile, Tensor w, bool flipForBackwardData, DeviceBuffer<float> u, long uOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(u);
        _library.RequireOn(w.Buffer, nameof(w));
        _library.RequireOn(u, nameof(u));
        var s = w.Shape;
        if (s.Rank != 4 || s.H != 3 || s.W != 3)
            throw new ArgumentException($"Winograd{tile}: the filter must be [K, C, 3, 3], got {s}", nameof(w));
        int outputs = flipForBackwardData ? s.C : s.N, inputs = flipForBackwardData ? s.N : s.C;
        long needed = FilterElements(tile, outputs, inputs);
        if (uOffset < 0 || u.Length - uOffset < needed)
            throw new ArgumentException($"Winograd{tile}: u has {u.Length} elements from offset {uOffset}, the transformed filter of {s} needs {needed}", nameof(u));
        if (outputs > MaxGridY)
            throw new ArgumentOutOfRangeException(nameof(w), $"Winograd{tile}: at most {MaxGridY} output channels, got {outputs}");
        var args = new KernelArgs();
        args.Add(u.Ptr.Offset(uOffset * sizeof(float)));
        args.Add(w.Buffer);
        args.Add(outputs);
        args.Add(inputs);
        args.Add(flipForBackwardData ? 1 : 0);
        Launch(tile, 0, "filter_transform", inputs, outputs, ref args);
    }

    /// <summary>y = act(conv3x3(x, filter of u) + bias); u (from element uOffset) from <see cref="TransformFilter"/> for y.C outputs and
    /// x.C inputs. <paramref name="workspace"/> needs <see cref="WorkspaceElements"/>.</summary>
    public void Convolve(WinogradTile tile, Tensor x, DeviceBuffer<float> u, long uOffset, int padH, int padW, Tensor y,
        DeviceBuffer<float>? bias, ActivationParams? activation, DeviceBuffer<float> workspace)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(u);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(workspace);
        _library.RequireOn(x.Buffer, nameof(x));
        _library.RequireOn(u, nameof(u));
        _library.RequireOn(y.Buffer, nameof(y));
        _library.RequireOn(workspace, nameof(workspace));
        var (xs, ys) = (x.Shape, y.Shape);
        int outH = xs.H + 2 * padH - 2, outW = xs.W + 2 * padW - 2;
        if (padH < 0 || padW < 0 || outH <= 0 || outW <= 0 || ys.Rank != 4 || ys.N != xs.N || ys.H != outH || ys.W != outW)
            throw new ArgumentException($"Winograd{tile}: y must be [{xs.N}, K, {outH}, {outW}] for x {xs} with padding {padH}x{padW}, got {ys}", nameof(y));
        if (uOffset < 0 || u.Length - uOffset < FilterElements(tile, ys.C, xs.C))
            throw new ArgumentException($"Winograd{tile}: u has {u.Length} elements from offset {uOffset}, {ys.C} x {xs.C} transformed filters need {FilterElements(tile, ys.C, xs.C)}", nameof(u));
        if (bias is not null)
        {
            _library.RequireOn(bias, nameof(bias));
            if (bias.Length != ys.C)
                throw new ArgumentException($"Winograd{tile}: bias has {bias.Length} elements, y has {ys.C} channels", nameof(bias));
        }
        long needed = WorkspaceElements(tile, xs.N, xs.C, ys.C, outH, outW);
        if (workspace.Length < needed)
            throw new ArgumentException($"Winograd{tile}: workspace has {workspace.Length} elements, needs {needed}", nameof(workspace));
        var (tilesH, tilesW) = Tiles(tile, outH, outW);
        long tiles = (long)xs.N * tilesH * tilesW;
        if (tiles > int.MaxValue / 2 || xs.C > MaxGridY || ys.C > MaxGridY)
            throw new ArgumentOutOfRangeException(nameof(x), $"Winograd{tile}: {tiles} tiles and {xs.C}/{ys.C} channels exceed the kernels' 32-bit tile index or grid limit");
        int p = (int)tiles, e = Alpha(tile) * Alpha(tile);
        long vElements = (long)e * xs.C * p;

        var args = new KernelArgs();
        args.Add(workspace);
        args.Add(x.Buffer);
        args.Add(xs.N);
        args.Add(xs.C);
        args.Add(xs.H);
        args.Add(xs.W);
        args.Add(padH);
        args.Add(padW);
        args.Add(tilesH);
        args.Add(tilesW);
        Launch(tile, 1, "input_transform", p, xs.C, ref args);

        _gemm.StridedBatched(e, false, false, ys.C, p, xs.C, 1f,
            new StridedMatrix(u, uOffset, xs.C, (long)ys.C * xs.C),
            new StridedMatrix(workspace, 0, p, (long)xs.C * p), 0f,
            new StridedMatrix(workspace, vElements, p, (long)ys.C * p));

        var activationOrIdentity = activation ?? ActivationParams.Identity;
        args = new KernelArgs();
        args.Add(y.Buffer);
        args.Add(workspace.Ptr.Offset(vElements * sizeof(float)));
        args.Add(bias?.Ptr ?? DevicePtr.Null);
        args.Add(ys.N);
        args.Add(ys.C);
        args.Add(outH);
        args.Add(outW);
        args.Add(tilesH);
        args.Add(tilesW);
        args.Add((int)activationOrIdentity.Kind);
        args.Add((float)activationOrIdentity.Alpha);
        Launch(tile, 2, "output_transform", p, ys.C, ref args);
    }

    private void Launch(WinogradTile tile, int stage, string stageName, int work, int channels, ref KernelArgs args)
    {
        int index = (tile == WinogradTile.F4x4 ? 3 : 0) + stage;
        var kernel = _kernels[index] ??= _library.Kernel(FileName, $"winograd_f{(int)tile}x{(int)tile}_{stageName}");
        var grid = new Dim3((uint)((work + BlockSize - 1) / BlockSize), (uint)channels);
        _library.Gpu.Launch(kernel, new LaunchConfig(grid, new Dim3(BlockSize)), args);
    }
}
