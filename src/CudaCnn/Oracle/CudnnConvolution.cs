using CudaCnn.Kernels;
using CudaCnn.Native;
using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Oracle;

/// <summary>
/// cuDNN's legacy convolution API for one geometry (x, weight, <see cref="Conv2dParams"/>) and one
/// <see cref="OracleMath"/>: algorithm search with cudnnFind*, then forward, backward data, backward filter and
/// backward bias on tensors of that geometry, on the handle's stream. Semantics match <see cref="IOps"/>: outputs
/// and input gradients are written; parameter gradients are written, or accumulated with <c>accumulate: true</c>.
/// The workspace is owned, grown on demand and freed on Dispose. Every tensor is checked before any native call.
/// </summary>
public sealed unsafe class CudnnConvolution : IDisposable
{
    private readonly CudnnHandle _handle;
    private readonly ConvShapes _shapes;
    private readonly CudnnTensorDescriptor _x, _y, _bias;
    private readonly CudnnFilterDescriptor _w;
    private readonly CudnnConvolutionDescriptor _conv;
    private readonly CudnnConvAlgo?[] _best = new CudnnConvAlgo?[3];
    private DeviceBuffer<byte>? _workspace;

    public CudnnConvolution(CudnnHandle handle, TensorShape x, TensorShape weight, Conv2dParams p, OracleMath math = OracleMath.Fma)
    {
        ArgumentNullException.ThrowIfNull(handle);
        _shapes = ConvShapes.Of(x, weight, p);
        var convArgs = CudnnArgs.Convolution(p, math);
        _handle = handle;
        Math = math;
        try
        {
            _x = new CudnnTensorDescriptor(CudnnArgs.Tensor(x));
            _y = new CudnnTensorDescriptor(CudnnArgs.Tensor(_shapes.Y));
            _bias = new CudnnTensorDescriptor(CudnnArgs.Channels(weight.N));
            _w = new CudnnFilterDescriptor(CudnnArgs.Filter(weight));
            _conv = new CudnnConvolutionDescriptor(convArgs);
            Cudnn.Check(Cudnn.GetConvolution2dForwardOutputDim(_conv.Value, _x.Value, _w.Value, out int n, out int c, out int h, out int w),
                "cudnnGetConvolution2dForwardOutputDim");
            var theirs = new TensorShape(n, c, h, w);
            if (theirs != _shapes.Y)
                throw new InvalidOperationException($"cuDNN computes output {theirs} for x {x}, weight {weight}, {p}; ours is {_shapes.Y}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public TensorShape XShape => _shapes.X;
    public TensorShape WeightShape => _shapes.Weight;
    public TensorShape YShape => _shapes.Y;
    public Conv2dParams Params => _shapes.P;
    public OracleMath Math { get; }
    public CudnnHandle Handle => _handle;

    /// <summary>Every algorithm cudnnFind* could run for <paramref name="direction"/>, fastest first (cuDNN runs each
    /// once on buffers it allocates itself). Algorithms that failed or need tensor cores under FMA math are left out.</summary>
    public IReadOnlyList<CudnnConvAlgo> Find(ConvDirection direction)
    {
        nint h = _handle.Value;
        const int Capacity = 16; // every *_ALGO_COUNT is below 10
        var perf = stackalloc CudnnAlgoPerf[Capacity];
        int returned;
        switch (direction)
        {
            case ConvDirection.Forward:
                Cudnn.Check(Cudnn.FindConvolutionForwardAlgorithm(h, _x.Value, _w.Value, _conv.Value, _y.Value, Capacity, out returned, perf),
                    "cudnnFindConvolutionForwardAlgorithm");
                break;
            case ConvDirection.BackwardData:
                Cudnn.Check(Cudnn.FindConvolutionBackwardDataAlgorithm(h, _w.Value, _y.Value, _conv.Value, _x.Value, Capacity, out returned, perf),
                    "cudnnFindConvolutionBackwardDataAlgorithm");
                break;
            case ConvDirection.BackwardFilter:
                Cudnn.Check(Cudnn.FindConvolutionBackwardFilterAlgorithm(h, _x.Value, _y.Value, _conv.Value, _w.Value, Capacity, out returned, perf),
                    "cudnnFindConvolutionBackwardFilterAlgorithm");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(direction), direction, "expected Forward, BackwardData or BackwardFilter");
        }
        var found = new List<CudnnConvAlgo>();
        for (int i = 0; i < returned; i++)
        {
            if (perf[i].Status != CudnnStatus.Success) continue;
            if (Math == OracleMath.Fma && perf[i].MathType is CudnnMathType.TensorOp or CudnnMathType.TensorOpAllowConversion) continue;
            found.Add(new CudnnConvAlgo(this, direction, perf[i], QueryWorkspaceBytes(direction, perf[i].Algo, RunMathType(perf[i].MathType))));
        }
        return found;
    }

    /// <summary>The fastest algorithm of <see cref="Find"/> for <paramref name="direction"/>, searched once and kept.</summary>
    public CudnnConvAlgo Best(ConvDirection direction)
    {
        if (_best[(int)direction] is { } known) return known;
        var found = Find(direction);
        if (found.Count == 0)
            throw new InvalidOperationException($"cuDNN found no {Math} algorithm for {direction} of x {XShape}, weight {WeightShape}, {Params}");
        return _best[(int)direction] = found[0];
    }

    /// <summary>The workspace <see cref="Best"/>'s algorithm needs for <paramref name="direction"/> (searching once).</summary>
    public long WorkspaceBytes(ConvDirection direction) => Best(direction).WorkspaceBytes;

    /// <summary>y = conv(x, weight) (+ bias per output channel), written.</summary>
    public void Forward(Tensor x, Tensor weight, Tensor? bias, Tensor y, CudnnConvAlgo? algo = null)
    {
        _shapes.CheckForward(_handle.Gpu, x, weight, bias, y);
        algo = Resolve(algo, ConvDirection.Forward);
        var (workspace, bytes) = Workspace(algo);
        float one = 1f, zero = 0f;
        Cudnn.Check(Cudnn.ConvolutionForward(_handle.Value, &one, _x.Value, x.Ptr.Address, _w.Value, weight.Ptr.Address, _conv.Value,
            (CudnnConvolutionFwdAlgo)algo.Value, workspace, bytes, &zero, _y.Value, y.Ptr.Address), "cudnnConvolutionForward");
        if (bias is not null)
            Cudnn.Check(Cudnn.AddTensor(_handle.Value, &one, _bias.Value, bias.Ptr.Address, &one, _y.Value, y.Ptr.Address), "cudnnAddTensor");
    }

    /// <summary>dx = the gradient of the convolution with respect to x, written.</summary>
    public void BackwardData(Tensor dy, Tensor weight, Tensor dx, CudnnConvAlgo? algo = null)
    {
        _shapes.CheckBackwardData(_handle.Gpu, dy, weight, dx);
        algo = Resolve(algo, ConvDirection.BackwardData);
        var (workspace, bytes) = Workspace(algo);
        float one = 1f, zero = 0f;
        Cudnn.Check(Cudnn.ConvolutionBackwardData(_handle.Value, &one, _w.Value, weight.Ptr.Address, _y.Value, dy.Ptr.Address, _conv.Value,
            (CudnnConvolutionBwdDataAlgo)algo.Value, workspace, bytes, &zero, _x.Value, dx.Ptr.Address), "cudnnConvolutionBackwardData");
    }

    /// <summary>dWeight = (or +=, with <paramref name="accumulate"/>) the gradient with respect to the weight.</summary>
    public void BackwardFilter(Tensor x, Tensor dy, Tensor dWeight, CudnnConvAlgo? algo = null, bool accumulate = false)
    {
        _shapes.CheckBackwardFilter(_handle.Gpu, x, dy, dWeight);
        algo = Resolve(algo, ConvDirection.BackwardFilter);
        var (workspace, bytes) = Workspace(algo);
        float one = 1f, beta = accumulate ? 1f : 0f;
        Cudnn.Check(Cudnn.ConvolutionBackwardFilter(_handle.Value, &one, _x.Value, x.Ptr.Address, _y.Value, dy.Ptr.Address, _conv.Value,
            (CudnnConvolutionBwdFilterAlgo)algo.Value, workspace, bytes, &beta, _w.Value, dWeight.Ptr.Address), "cudnnConvolutionBackwardFilter");
    }

    /// <summary>dBias[k] = (or +=) the sum of dy over N, H, W.</summary>
    public void BackwardBias(Tensor dy, Tensor dBias, bool accumulate = false)
    {
        _shapes.CheckBackwardBias(_handle.Gpu, dy, dBias);
        float one = 1f, beta = accumulate ? 1f : 0f;
        Cudnn.Check(Cudnn.ConvolutionBackwardBias(_handle.Value, &one, _y.Value, dy.Ptr.Address, &beta, _bias.Value, dBias.Ptr.Address),
            "cudnnConvolutionBackwardBias");
    }

    public void Dispose()
    {
        _workspace?.Dispose();
        _workspace = null;
        _conv?.Dispose();
        _w?.Dispose();
        _bias?.Dispose();
        _y?.Dispose();
        _x?.Dispose();
    }

    public override string ToString() => $"cuDNN convolution x {XShape}, weight {WeightShape} -> y {YShape}, {Math}";

    private CudnnConvAlgo Resolve(CudnnConvAlgo? algo, ConvDirection direction)
    {
        if (algo is null) algo = Best(direction);
        else if (!ReferenceEquals(algo.Owner, this) || algo.Direction != direction)
            throw new ArgumentException($"cuDNN convolution {direction}: the algorithm must come from this convolution's Find({direction}), got {algo} of {algo.Owner}", nameof(algo));
        _conv.SetMathType(RunMathType(algo.MathType));
        return algo;
    }

    /// <summary>FMA math stays FMA whatever Find reports (CUDNN_DEFAULT_MATH would allow TF32 on sm_80+); TF32
    /// math runs each algorithm with the math type Find measured it with, as cuDNN's documentation asks.</summary>
    private CudnnMathType RunMathType(CudnnMathType found) => Math == OracleMath.Fma ? CudnnMathType.Fma : found;

    private long QueryWorkspaceBytes(ConvDirection direction, int algo, CudnnMathType math)
    {
        _conv.SetMathType(math);
        nint h = _handle.Value;
        nuint bytes;
        int status = direction switch
        {
            ConvDirection.Forward => Cudnn.GetConvolutionForwardWorkspaceSize(h, _x.Value, _w.Value, _conv.Value, _y.Value, (CudnnConvolutionFwdAlgo)algo, out bytes),
            ConvDirection.BackwardData => Cudnn.GetConvolutionBackwardDataWorkspaceSize(h, _w.Value, _y.Value, _conv.Value, _x.Value, (CudnnConvolutionBwdDataAlgo)algo, out bytes),
            _ => Cudnn.GetConvolutionBackwardFilterWorkspaceSize(h, _x.Value, _y.Value, _conv.Value, _w.Value, (CudnnConvolutionBwdFilterAlgo)algo, out bytes),
        };
        Cudnn.Check(status, $"cudnnGetConvolution{(direction == ConvDirection.Forward ? "Forward" : direction.ToString())}WorkspaceSize");
        return (long)bytes;
    }

    private (ulong Address, nuint Bytes) Workspace(CudnnConvAlgo algo)
    {
        if (algo.WorkspaceBytes == 0) return (0, 0);
        if (_workspace is null || _workspace.Length < algo.WorkspaceBytes)
        {
            _workspace?.Dispose();
            _workspace = null;
            _workspace = new DeviceBuffer<byte>(_handle.Gpu, algo.WorkspaceBytes);
        }
        return (_workspace.Ptr.Address, (nuint)algo.WorkspaceBytes);
    }
}
