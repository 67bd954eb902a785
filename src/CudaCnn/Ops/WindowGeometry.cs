using System.Globalization;
using CudaCnn.Runtime;

namespace CudaCnn.Ops;

/// <summary>Output size of a sliding 2-D window (convolution filter or pooling window), shared by both.</summary>
public static class WindowGeometry
{
    /// <summary>The window's extent over the input along one axis: dilation * (kernel - 1) + 1.</summary>
    public static int Extent(int kernel, int dilation) => dilation * (kernel - 1) + 1;

    /// <summary>Output height and width, or an <see cref="ArgumentException"/> that spells out why the window does not
    /// fit, e.g. "Conv2d: a 3x3 filter with stride 3 does not fit a 7x7 input without padding: along the height
    /// (7 - 3 + 2*0) / 3 + 1 = 2.33 is not an integer".</summary>
    public static (int H, int W) OutputSize(string owner, string noun, int inH, int inW, int kH, int kW, int sH, int sW,
        int pH, int pW, int dH, int dW, OutputRounding rounding)
    {
        string? alongH = TryLength(inH, kH, sH, pH, dH, rounding, out int outH);
        string? alongW = TryLength(inW, kW, sW, pW, dW, rounding, out int outW);
        if (alongH is null && alongW is null) return (outH, outW);
        string reason = alongH is not null ? $"along the height {alongH}" : $"along the width {alongW}";

        string stride = sH == sW ? $"stride {sH}" : $"stride {sH}x{sW}";
        string dilation = dH == 1 && dW == 1 ? "" : dH == dW ? $", dilation {dH}," : $", dilation {dH}x{dW},";
        string padding = pH == 0 && pW == 0 ? "without padding" : pH == pW ? $"with padding {pH}" : $"with padding {pH}x{pW}";
        throw new ArgumentException(
            $"{owner}: a {kH}x{kW} {noun} with {stride}{dilation} does not fit a {inH}x{inW} input {padding}: {reason}");
    }

    /// <summary>Output length along one axis; null when it fits, else the reason it does not.</summary>
    private static string? TryLength(int input, int kernel, int stride, int padding, int dilation, OutputRounding rounding,
        out int length)
    {
        int extent = Extent(kernel, dilation);
        int span = input + 2 * padding - extent;
        length = 0;
        if (span < 0)
            return $"the window's extent {extent} exceeds the padded input {input} + 2*{padding} = {input + 2 * padding}";
        switch (rounding)
        {
            case OutputRounding.Exact when span % stride != 0:
                string value = ((double)span / stride + 1).ToString("0.##", CultureInfo.InvariantCulture);
                return $"({input} - {extent} + 2*{padding}) / {stride} + 1 = {value} is not an integer";
            case OutputRounding.Exact or OutputRounding.Floor:
                length = span / stride + 1;
                return null;
            case OutputRounding.Ceil:
                length = (span + stride - 1) / stride + 1;
                // The last window must start inside the input or its left padding (PyTorch's ceil_mode rule).
                if ((length - 1) * stride >= input + padding) length--;
                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(rounding), rounding, "unknown rounding mode");
        }
    }

    internal static void RequirePositive(int value, string name, string owner)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be positive, got {value}");
    }

    internal static void RequireNonNegative(int value, string name, string owner)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be >= 0, got {value}");
    }

    internal static void RequireRank4(TensorShape shape, string name, string owner)
    {
        if (shape.Rank != 4)
            throw new ArgumentException($"{owner}: {name} must be NCHW (rank 4), got {shape}", name);
    }
}
