using System.Runtime.CompilerServices;
using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>
/// The "because" text of <see cref="LayerLaunch.Tensor"/>, written as an interpolated string but formatted only when
/// the tensor's shape differs from the expected one: a passing check (every steady-state launch) allocates nothing.
/// </summary>
[InterpolatedStringHandler]
internal ref struct ShapeMismatchReason
{
    private DefaultInterpolatedStringHandler _text;

    public ShapeMismatchReason(int literalLength, int formattedCount, Tensor? tensor, TensorShape expected, out bool mismatch)
    {
        // A null tensor fails the device check before the reason is read.
        mismatch = tensor is not null && tensor.Shape != expected;
        _text = mismatch ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => _text.AppendLiteral(value);
    public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);
    public override string ToString() => _text.ToStringAndClear();
}
