using System.Runtime.CompilerServices;

namespace CudaCnn.Sim.Semantics;

/// <summary>
/// The value functions of <c>atom</c>/<c>red</c>: given the old memory value and the operands, the new value. The
/// executor does the memory side (atomicity, the returned old value).
/// </summary>
public static class AtomicOps
{
    /// <summary><c>atom.inc.u32</c>: <c>old &gt;= b ? 0 : old + 1</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Inc(uint old, uint b) => old >= b ? 0 : old + 1;

    /// <summary><c>atom.dec.u32</c>: <c>(old == 0 || old &gt; b) ? b : old - 1</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Dec(uint old, uint b) => old == 0 || old > b ? b : old - 1;

    /// <summary><c>atom.cas.b32/.b64</c>: <c>old == compare ? value : old</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Cas(ulong old, ulong compare, ulong value) => old == compare ? value : old;

    /// <summary>
    /// <c>atom.add.f32</c>: round to nearest even; on global memory subnormal inputs and results are flushed to zero,
    /// on shared memory they are not.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float AddF32(float old, float b, bool globalMemory) =>
        F32.Add(old, b, FloatRounding.Rn, ftz: globalMemory);

    /// <summary><c>atom.add.f64</c>: round to nearest even, subnormals kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double AddF64(double old, double b) => old + b;
}
