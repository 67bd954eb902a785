using CudaCnn.Sim.Ptx;

namespace CudaCnn.Sim.Tests.Conformance;

/// <summary>
/// Runs a kernel from a module with instruction forms the interpreter may not implement yet. The interpreter must
/// then reject the module at load time with an error naming the instruction (never a wrong result), and the test is
/// skipped with that message so the gap stays visible; once the form is implemented the comparison runs.
/// </summary>
internal static class OptionalModule
{
    public static TOut[] Run<TIn, TOut>(string kernel, TIn[] a, TIn[] b, string source, TIn[]? c = null)
        where TIn : unmanaged where TOut : unmanaged
    {
        try
        {
            return ConformanceRunner.Run<TIn, TOut>(kernel, a, b, c, source: source);
        }
        catch (PtxLoadException e) when (e.Message.Contains("unsupported instruction", StringComparison.Ordinal))
        {
            throw new SkipException($"the software GPU does not implement this form yet: {e.Message}");
        }
    }
}
