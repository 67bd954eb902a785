using CudaCnn.Sim.Semantics;
using static CudaCnn.Sim.Tests.Semantics.BitPatterns;

namespace CudaCnn.Sim.Tests.Semantics;

public class AtomicOpsTests
{
    [Theory]
    [InlineData(4u, 5u, 5u), InlineData(5u, 5u, 0u), InlineData(7u, 5u, 0u), InlineData(0u, 0u, 0u), InlineData(0u, 1u, 1u)]
    public void IncWrapsAtTheBound(uint old, uint b, uint expected) => Assert.Equal(expected, AtomicOps.Inc(old, b));

    [Theory]
    [InlineData(3u, 5u, 2u), InlineData(0u, 5u, 5u), InlineData(6u, 5u, 5u), InlineData(5u, 5u, 4u), InlineData(0u, 0u, 0u)]
    public void DecWrapsAtZeroOrAboveTheBound(uint old, uint b, uint expected) =>
        Assert.Equal(expected, AtomicOps.Dec(old, b));

    [Fact]
    public void CasReplacesOnlyOnMatch()
    {
        Assert.Equal(9UL, AtomicOps.Cas(3, 3, 9));
        Assert.Equal(4UL, AtomicOps.Cas(4, 3, 9));
    }

    [Fact]
    public void FloatAddFlushesSubnormalsOnGlobalMemoryOnly()
    {
        float subnormal = F(0x00400000);
        Same(PlusZero, AtomicOps.AddF32(subnormal, 0f, globalMemory: true));
        Same(0x00400000u, AtomicOps.AddF32(subnormal, 0f, globalMemory: false));
        Same(0x00800000u, AtomicOps.AddF32(subnormal, subnormal, globalMemory: false)); // 2^-126, normal
        Same(PlusZero, AtomicOps.AddF32(subnormal, subnormal, globalMemory: true)); // inputs flushed first
        Same(0x40400000u, AtomicOps.AddF32(1f, 2f, globalMemory: true));
        Same(One, AtomicOps.AddF32(1f, F(0x33800000), globalMemory: true)); // 1 + 2^-24 ties to even
        Assert.Equal(Math.ScaleB(1.0, -1073), AtomicOps.AddF64(double.Epsilon, double.Epsilon));
    }
}
