using CudaCnn.Kernels;
using CudaCnn.Runtime;

namespace CudaCnn.Ops;

/// <summary>
/// The ops contract on kernels: every call is one or a few launches of the typed launchers over a
/// <see cref="KernelLibrary"/> on <see cref="Gpu"/> (the software GPU or CUDA), queued without synchronizing.
/// Semantics match <see cref="ReferenceOps"/>: outputs and input gradients written, parameter gradients accumulated.
/// Scratch (convolution workspace, per-row losses, a ones vector for bias sums) is allocated on first need, grown
/// when a call needs more, reused otherwise, and freed with the ops. Winograd filter transforms are kept per weight
/// tensor and redone only when its <see cref="Tensor.Version"/> moves (<see cref="WinogradFilterCache"/>).
/// </summary>
public sealed partial class KernelOps : IOps, IDisposable
{
    private readonly KernelLibrary _library;
    private readonly bool _ownsLibrary;
    private readonly ConvolutionKernels _conv;
    private readonly PoolingKernels _pooling;
    private readonly LrnKernels _lrn;
    private readonly DropoutKernels _dropout;
    private readonly ActivationKernels _activation;
    private readonly BatchNormKernels _batchNorm;
    private readonly SoftmaxKernels _softmax;
    private readonly OptimizerKernels _optimizer;
    private readonly ConcatKernels _concat;
    private readonly ElementwiseKernels _elementwise;
    private readonly ScratchBuffer _workspace, _rowLoss, _ones;
    private readonly WinogradFilterCache _filters;

    /// <summary>Ops on <paramref name="gpu"/> with a library of their own (disposed with the ops).</summary>
    public KernelOps(IGpu gpu) : this(new KernelLibrary(gpu), ownsLibrary: true) { }

    /// <summary>Ops over an existing library; the caller keeps ownership of it.</summary>
    public KernelOps(KernelLibrary library) : this(library, ownsLibrary: false) { }

    private KernelOps(KernelLibrary library, bool ownsLibrary)
    {
        _library = library ?? throw new ArgumentNullException(nameof(library));
        _ownsLibrary = ownsLibrary;
        _conv = new ConvolutionKernels(library);
        _pooling = new PoolingKernels(library);
        _lrn = new LrnKernels(library);
        _dropout = new DropoutKernels(library);
        _activation = new ActivationKernels(library);
        _batchNorm = new BatchNormKernels(library);
        _softmax = new SoftmaxKernels(library);
        _optimizer = new OptimizerKernels(library);
        _concat = new ConcatKernels(library);
        _elementwise = new ElementwiseKernels(library);
        _workspace = new ScratchBuffer(library.Gpu);
        _rowLoss = new ScratchBuffer(library.Gpu);
        _ones = new ScratchBuffer(library.Gpu);
        _filters = new WinogradFilterCache(_conv);
    }

    public IGpu Gpu => _library.Gpu;

    /// <summary>"Cuda" on a <see cref="CudaGpu"/>; any other device runs the kernels' PTX in the software GPU.</summary>
    public string Backend => Gpu is CudaGpu ? "Cuda" : "Sim";

    public void ConvForward(Tensor x, Tensor weight, Tensor? bias, Conv2dParams p, Tensor y, ConvAlgorithm algorithm = ConvAlgorithm.Auto)
    {
        const ConvDirection direction = ConvDirection.Forward;
        var (concrete, filter) = Plan(direction, algorithm, x, weight, y, p);
        _conv.Forward(x, weight, bias, y, p, concrete, Workspace(direction, concrete, x.Shape, weight.Shape, p, filter), filter: filter);
    }

    public void ConvBackwardData(Tensor dy, Tensor weight, Conv2dParams p, Tensor dx, ConvAlgorithm algorithm = ConvAlgorithm.Auto)
    {
        const ConvDirection direction = ConvDirection.BackwardData;
        var (concrete, filter) = Plan(direction, algorithm, dx, weight, dy, p);
        _conv.BackwardData(dy, weight, dx, p, concrete, Workspace(direction, concrete, dx.Shape, weight.Shape, p, filter), filter);
    }

    public void ConvBackwardFilter(Tensor x, Tensor dy, Conv2dParams p, Tensor dWeight, ConvAlgorithm algorithm = ConvAlgorithm.Auto)
    {
        const ConvDirection direction = ConvDirection.BackwardFilter;
        var (concrete, _) = Plan(direction, algorithm, x, dWeight, dy, p);
        _conv.BackwardFilter(x, dy, dWeight, p, concrete, Workspace(direction, concrete, x.Shape, dWeight.Shape, p, null));
    }

    /// <summary>Number of Winograd filter transforms kept (one per weight tensor, algorithm and direction).</summary>
    public int CachedFilterCount => _filters.Count;

    public void ConvBackwardBias(Tensor dy, Tensor dBias) => _conv.BackwardBias(dy, dBias);

    /// <summary>y[N, Out] = x[N, F] W^T + bias: one GEMM with B transposed and the bias per column in the epilogue.</summary>
    public void LinearForward(Tensor x, Tensor weight, Tensor? bias, Tensor y)
    {
        var (n, features, outputs) = LinearShape(x, weight, y, nameof(y));
        if (bias is not null && bias.Elements != outputs)
            throw new ArgumentException($"Linear.Forward: bias has {bias.Elements} elements, the weight has {outputs} outputs (weight: {weight.Shape})", nameof(bias));
        var epilogue = bias is null ? GemmEpilogue.None : new GemmEpilogue(bias.Buffer, GemmBiasMode.PerColumn);
        _conv.Gemm.Gemm(false, true, n, outputs, features, 1f, x.Buffer, weight.Buffer, 0f, y.Buffer, epilogue);
    }

    /// <summary>dx[N, F] = dy[N, Out] W (written).</summary>
    public void LinearBackwardData(Tensor dy, Tensor weight, Tensor dx)
    {
        var (n, features, outputs) = LinearShape(dx, weight, dy, nameof(dy));
        _conv.Gemm.Gemm(false, false, n, features, outputs, 1f, dy.Buffer, weight.Buffer, 0f, dx.Buffer);
    }

    /// <summary>dW[Out, F] += dy^T x.</summary>
    public void LinearBackwardWeight(Tensor x, Tensor dy, Tensor dWeight)
    {
        var (n, features, outputs) = LinearShape(x, dWeight, dy, nameof(dy));
        _conv.Gemm.Gemm(true, false, outputs, features, n, 1f, dy.Buffer, x.Buffer, 1f, dWeight.Buffer);
    }

    /// <summary>dBias[Out] += ones[N] dy[N, Out]: the column sums as a 1-row GEMM.</summary>
    public void LinearBackwardBias(Tensor dy, Tensor dBias)
    {
        ArgumentNullException.ThrowIfNull(dy);
        ArgumentNullException.ThrowIfNull(dBias);
        int n = dy.Shape.N;
        long outputs = dy.Elements / n;
        if (dBias.Elements != outputs)
            throw new ArgumentException($"Linear.BackwardBias: dBias has {dBias.Elements} elements, dy has {outputs} outputs per sample (dy: {dy.Shape})", nameof(dBias));
        _conv.Gemm.Gemm(false, false, 1, (int)outputs, n, 1f, Ones(n), dy.Buffer, 1f, dBias.Buffer);
    }

    public void Dispose()
    {
        _workspace.Dispose();
        _rowLoss.Dispose();
        _ones.Dispose();
        _filters.Dispose();
        if (_ownsLibrary) _library.Dispose();
    }

    /// <summary>The concrete algorithm and, for Winograd, the weight's cached filter transform. A call whose shapes
    /// do not fit gets no transform: the launcher rejects it with its own message before any launch.</summary>
    private (ConvAlgorithm Concrete, WinogradFilter? Filter) Plan(ConvDirection direction, ConvAlgorithm algorithm, Tensor x, Tensor weight,
        Tensor y, Conv2dParams p)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(p);
        var concrete = ConvAlgorithms.Resolve(algorithm, direction, x.Shape, weight.Shape, p);
        if (concrete is not (ConvAlgorithm.Winograd2x2 or ConvAlgorithm.Winograd4x4)) return (concrete, null);
        var (xs, ws) = (x.Shape, weight.Shape);
        bool fits = xs.Rank == 4 && ws.Rank == 4 && xs.C == ws.C * p.Groups && p.OutputShape(xs, ws) == y.Shape;
        return (concrete, fits ? _filters.For(weight, concrete, direction) : null);
    }

    private DeviceBuffer<float>? Workspace(ConvDirection direction, ConvAlgorithm concrete, TensorShape x, TensorShape weight,
        Conv2dParams p, WinogradFilter? filter)
    {
        long elements = ConvAlgorithms.WorkspaceElements(direction, concrete, x, weight, p, filterCached: filter is not null);
        return elements == 0 ? null : _workspace.AtLeast(elements);
    }

    /// <summary>A buffer of at least <paramref name="n"/> ones; refilled only when it grows.</summary>
    private DeviceBuffer<float> Ones(int n)
    {
        bool grows = _ones.Length < n;
        var ones = _ones.AtLeast(n);
        if (grows) _elementwise.Fill(ones, 1f);
        return ones;
    }

    /// <summary>(N, F, Out) of a linear layer whose input-side tensor is <paramref name="x"/> ([N, F...]), weight
    /// [Out, F], and output-side tensor <paramref name="y"/> [N, Out]; checked before any launch.</summary>
    private static (int N, int Features, int Outputs) LinearShape(Tensor x, Tensor weight, Tensor y, string yName)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(y);
        var outShape = Reference.LinearReference.OutputShape(x.Shape, weight.Shape);
        if (y.Elements != outShape.Elements || y.Shape.N != outShape.N)
            throw new ArgumentException($"Linear: {yName} must be {outShape}, got {y.Shape} (x: {x.Shape}, weight: {weight.Shape})", yName);
        return (x.Shape.N, weight.Shape.C, weight.Shape.N);
    }
}
