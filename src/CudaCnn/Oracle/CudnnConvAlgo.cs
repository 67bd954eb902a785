using CudaCnn.Kernels;
using CudaCnn.Native;

namespace CudaCnn.Oracle;

/// <summary>
/// One cuDNN convolution algorithm for one direction of one <see cref="CudnnConvolution"/>, as cudnnFind* measured
/// it: its enum value and name (e.g. IMPLICIT_PRECOMP_GEMM, WINOGRAD_NONFUSED), the time of cuDNN's own trial run,
/// the workspace it needs and whether it may use tensor cores.
/// </summary>
public sealed class CudnnConvAlgo
{
    internal CudnnConvAlgo(CudnnConvolution owner, ConvDirection direction, in CudnnAlgoPerf perf, long workspaceBytes)
    {
        Owner = owner;
        Direction = direction;
        Value = perf.Algo;
        Name = NameOf(direction, perf.Algo);
        Milliseconds = perf.TimeMilliseconds;
        WorkspaceBytes = workspaceBytes;
        Deterministic = perf.Determinism == CudnnDeterminism.Deterministic;
        MathType = perf.MathType;
    }

    public ConvDirection Direction { get; }
    /// <summary>The cudnnConvolution{Fwd,BwdData,BwdFilter}Algo_t value.</summary>
    public int Value { get; }
    public string Name { get; }
    /// <summary>cuDNN's trial time during the search (one run, not a benchmark).</summary>
    public float Milliseconds { get; }
    public long WorkspaceBytes { get; }
    public bool Deterministic { get; }
    public bool UsesTensorOps => MathType is CudnnMathType.TensorOp or CudnnMathType.TensorOpAllowConversion;

    internal CudnnConvolution Owner { get; }
    internal CudnnMathType MathType { get; }

    /// <summary>The CUDNN_CONVOLUTION_*_ALGO_ suffix of a value (native-abi.md §4.7), e.g. "IMPLICIT_GEMM".</summary>
    internal static string NameOf(ConvDirection direction, int value)
    {
        string? name = direction switch
        {
            ConvDirection.Forward => Enum.GetName((CudnnConvolutionFwdAlgo)value),
            ConvDirection.BackwardData => Enum.GetName((CudnnConvolutionBwdDataAlgo)value),
            _ => Enum.GetName((CudnnConvolutionBwdFilterAlgo)value),
        };
        return name is null ? $"ALGO_{value}" : ToUpperSnake(name);
    }

    private static string ToUpperSnake(string pascal) =>
        string.Concat(pascal.Select((ch, i) =>
            (i > 0 && (char.IsUpper(ch) || (char.IsDigit(ch) && !char.IsDigit(pascal[i - 1]))) ? "_" : "") + char.ToUpperInvariant(ch)));

    public override string ToString() =>
        $"{Direction} {Name} ({Milliseconds:F3} ms, {WorkspaceBytes} B workspace{(UsesTensorOps ? ", tensor ops" : "")})";
}
