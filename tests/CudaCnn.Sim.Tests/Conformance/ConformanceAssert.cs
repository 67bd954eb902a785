namespace CudaCnn.Sim.Tests.Conformance;

/// <summary>Element-by-element comparison that names the kernel, the index and the operands of a mismatch.</summary>
internal static class ConformanceAssert
{
    /// <summary>Bit-identical floats, except that any NaN matches an expected NaN (f32 NaN payloads are unspecified).</summary>
    public static void SameFloats(string kernel, float[] expected, float[] actual, Func<int, string> operands)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool ok = float.IsNaN(expected[i])
                ? float.IsNaN(actual[i])
                : BitConverter.SingleToUInt32Bits(expected[i]) == BitConverter.SingleToUInt32Bits(actual[i]);
            Assert.True(ok, $"{kernel}[{i}] ({operands(i)}): expected {expected[i]:R} (0x{BitConverter.SingleToUInt32Bits(expected[i]):X8}), " +
                $"got {actual[i]:R} (0x{BitConverter.SingleToUInt32Bits(actual[i]):X8})");
        }
    }

    public static void SameDoubles(string kernel, double[] expected, double[] actual, Func<int, string> operands)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool ok = double.IsNaN(expected[i])
                ? double.IsNaN(actual[i])
                : BitConverter.DoubleToUInt64Bits(expected[i]) == BitConverter.DoubleToUInt64Bits(actual[i]);
            Assert.True(ok, $"{kernel}[{i}] ({operands(i)}): expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    public static void SameValues<T>(string kernel, T[] expected, T[] actual, Func<int, string> operands)
        where T : IEquatable<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(expected[i].Equals(actual[i]), $"{kernel}[{i}] ({operands(i)}): expected {expected[i]}, got {actual[i]}");
    }
}
