using CudaCnn.Reference;

namespace CudaCnn.Tests.Reference;

internal static class ReferenceTolerances
{
    /// <summary>Two double-accumulated paths to the same float result differ by a couple of float roundings.</summary>
    public static readonly Tolerance DoublePaths = new(Absolute: 1e-6, Relative: 1e-6);

    /// <summary>Hand-computed values written with ~7 significant digits.</summary>
    public static readonly Tolerance HandValues = new(Absolute: 1e-6, Relative: 1e-5);

    public static void AssertClose(string name, float[] expected, float[] actual, Tolerance tolerance, CudaCnn.Runtime.TensorShape? shape = null)
    {
        var result = TensorComparison.Compare(name, expected, actual, tolerance, shape);
        Assert.True(result.Passed, result.Message);
    }
}
