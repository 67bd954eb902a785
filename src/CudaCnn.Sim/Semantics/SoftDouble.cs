namespace CudaCnn.Sim.Semantics;

/// <summary>Exact f64 arithmetic with directed rounding, in integer arithmetic.</summary>
internal static class SoftDouble
{
    public static double Add(double a, double b, FloatRounding rounding) =>
        throw new NotImplementedException($"add.{rounding}.f64 (directed rounding) is not implemented yet");

    public static double Mul(double a, double b, FloatRounding rounding) =>
        throw new NotImplementedException($"mul.{rounding}.f64 (directed rounding) is not implemented yet");

    public static double Fma(double a, double b, double c, FloatRounding rounding) =>
        throw new NotImplementedException($"fma.{rounding}.f64 (directed rounding) is not implemented yet");

    public static double Div(double a, double b, FloatRounding rounding) =>
        throw new NotImplementedException($"div.{rounding}.f64 (directed rounding) is not implemented yet");

    public static double Sqrt(double a, FloatRounding rounding) =>
        throw new NotImplementedException($"sqrt.{rounding}.f64 (directed rounding) is not implemented yet");
}
