using CudaCnn.Reference;

namespace CudaCnn.Tests.Reference;

/// <summary>Builds gradient-check problems from reference forward/backward calls, for the tests of each op.</summary>
internal static class GradientProblems
{
    /// <summary>A one-input element-wise op: y = f(x), dx = backward(x, dy).</summary>
    public static GradientProblem Unary(string name, float[] x, int outputLength, Action<float[], float[]> forward,
        Action<float[], float[], float[]> backward, Func<int, bool>? nearKink = null) => new()
    {
        Name = name,
        Inputs = [x],
        InputNames = ["x"],
        OutputLength = outputLength,
        Forward = (inputs, y) => forward(inputs[0], y),
        Backward = (inputs, dy, grads) => backward(inputs[0], dy, grads[0]),
        NearKink = nearKink is null ? null : (_, i) => nearKink(i),
    };

    public static void AssertPasses(GradientCheckResult result, int minimumChecked = 1)
    {
        Assert.True(result.Passed, result.Message);
        Assert.True(result.Checked >= minimumChecked, $"{result.Problem}: only {result.Checked} points checked ({result.Skipped} skipped)");
    }
}
