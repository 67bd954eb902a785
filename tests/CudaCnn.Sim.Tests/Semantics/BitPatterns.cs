namespace CudaCnn.Sim.Tests.Semantics;

/// <summary>Bit-pattern helpers so that expectations are written as exact IEEE encodings.</summary>
internal static class BitPatterns
{
    public static float F(uint bits) => BitConverter.UInt32BitsToSingle(bits);
    public static uint B(float x) => BitConverter.SingleToUInt32Bits(x);
    public static double D(ulong bits) => BitConverter.UInt64BitsToDouble(bits);
    public static ulong B(double x) => BitConverter.DoubleToUInt64Bits(x);

    /// <summary>Asserts identical bit patterns, so that -0 differs from +0.</summary>
    public static void Same(uint expected, float actual) =>
        Assert.True(expected == B(actual), $"expected 0x{expected:X8} ({F(expected):R}), got 0x{B(actual):X8} ({actual:R})");

    public static void Same(ulong expected, double actual) =>
        Assert.True(expected == B(actual), $"expected 0x{expected:X16} ({D(expected):R}), got 0x{B(actual):X16} ({actual:R})");

    public const uint One = 0x3F800000, OnePlusUlp = 0x3F800001, MinusOne = 0xBF800000, MinusOnePlusUlp = 0xBF800001;
    public const uint PlusZero = 0, MinusZero = 0x80000000, PlusInf = 0x7F800000, MinusInf = 0xFF800000;
    public const uint MaxFinite = 0x7F7FFFFF, MinusMaxFinite = 0xFF7FFFFF, MinSubnormal = 1, MinusMinSubnormal = 0x80000001;
}
