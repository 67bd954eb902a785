using CudaCnn.Ops;
using CudaCnn.Reference;

namespace CudaCnn.Tests.Reference;

public class DropoutReferenceTests
{
    /// <summary>Random123's tests/kat_vectors for philox4x32_10 (also in TensorFlow's Philox tests).</summary>
    [Theory]
    [InlineData(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void PhiloxMatchesTheKnownAnswerVectors(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint x0, uint x1, uint x2, uint x3)
    {
        var actual = Philox4x32.Generate(c0, c1, c2, c3, k0, k1);
        Assert.True((x0, x1, x2, x3) == actual,
            $"Philox4x32-10 KAT failed: expected {x0:x8} {x1:x8} {x2:x8} {x3:x8}, got {actual.X0:x8} {actual.X1:x8} {actual.X2:x8} {actual.X3:x8}");
    }

    [Fact]
    public void StreamLayoutSplitsElementOffsetAndSeedIntoWords()
    {
        const ulong seed = 0x0123456789ABCDEF, offset = 0xFEDCBA9876543210;
        ulong element = (0x1_0000_0002UL * 4) + 3; // block 0x1_0000_0002, lane 3
        var block = Philox4x32.Generate(0x00000002, 0x00000001, 0x76543210, 0xFEDCBA98, 0x89ABCDEF, 0x01234567);
        Assert.Equal(block.X3, Philox4x32.Element(seed, offset, element));
        Assert.Equal(block.X0, Philox4x32.Element(seed, offset, element - 3));
    }

    [Theory]
    [InlineData(0f, 0u)]
    [InlineData(0.5f, 0x80000000u)]
    [InlineData(0.25f, 0x40000000u)]
    [InlineData(0.1f, 429496736u)] // 0.1f = 13421773 * 2^-27, times 2^32 = 429496736 exactly
    [InlineData(0.99999994f, 0xFFFFFF00u)] // the largest float below 1: 2^32 - 2^8
    public void ThresholdIsFloorOfPTimesTwoToThe32(float p, uint expected)
    {
        Assert.Equal(expected, new DropoutParams(p, seed: 1).Threshold);
    }

    [Fact]
    public void ScaleIsTheFloatReciprocalOfOneMinusP()
    {
        Assert.Equal(2f, new DropoutParams(0.5f, 1).Scale);
        Assert.Equal(1f, new DropoutParams(0f, 1).Scale);
        Assert.Equal(1.1111112f, new DropoutParams(0.1f, 1).Scale); // 1 / 0.9f = 1.11111114..., nearest float 1.11111116...
        Assert.Throws<ArgumentOutOfRangeException>(() => new DropoutParams(1f, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DropoutParams(-0.1f, 1));
    }

    [Theory]
    [InlineData(0.5f, 7UL, 0UL)]
    [InlineData(0.3f, 7UL, 1UL)]
    [InlineData(0.9f, 0xFFFFFFFF_FFFFFFFFUL, 12345UL)]
    public void KeptFractionIsWithinFiveStandardDeviationsInEveryLane(float p, ulong seed, ulong offset)
    {
        const int count = 200_000;
        var x = Enumerable.Repeat(1f, count).ToArray();
        var y = new float[count];
        var parameters = new DropoutParams(p, seed, offset);
        DropoutReference.Forward(x, y, parameters, training: true);
        double keep = 1 - p;
        for (int lane = 0; lane < 4; lane++)
        {
            int n = count / 4, kept = 0;
            for (int e = lane; e < count; e += 4) kept += y[e] != 0 ? 1 : 0;
            double sd = Math.Sqrt(n * keep * (1 - keep));
            Assert.True(Math.Abs(kept - n * keep) <= 5 * sd, $"lane {lane}: kept {kept} of {n}, expected {n * keep:F0} +- {5 * sd:F0}");
        }
        Assert.All(y, v => Assert.True(v == 0f || v == parameters.Scale));
    }

    [Fact]
    public void SeedAndOffsetSelectDifferentMasksAndPZeroKeepsEverything()
    {
        var x = RandomData.Uniform(1000, 31);
        float[] Mask(DropoutParams p) { var y = new float[x.Length]; DropoutReference.Forward(x, y, p, true); return y; }
        var a = Mask(new DropoutParams(0.5f, 1, 0));
        Assert.Equal(a, Mask(new DropoutParams(0.5f, 1, 0)));
        Assert.NotEqual(a, Mask(new DropoutParams(0.5f, 2, 0)));
        Assert.NotEqual(a, Mask(new DropoutParams(0.5f, 1, 1)));
        Assert.Equal(x, Mask(new DropoutParams(0f, 1, 0)));
    }

    [Fact]
    public void EvaluationIsTheIdentityAndBackwardAppliesTheSameMask()
    {
        var p = new DropoutParams(0.4f, 99, 3);
        var x = RandomData.Uniform(257, 32);
        var y = new float[x.Length];
        DropoutReference.Forward(x, y, p, training: false);
        Assert.Equal(x, y);

        var dy = RandomData.Uniform(257, 33);
        var dx = new float[x.Length];
        DropoutReference.Forward(x, y, p, training: true);
        DropoutReference.Backward(dy, dx, p, training: true);
        for (int e = 0; e < x.Length; e++)
        {
            bool kept = DropoutReference.Keep(p, e);
            Assert.Equal(kept ? x[e] * p.Scale : 0f, y[e]);
            Assert.Equal(kept ? dy[e] * p.Scale : 0f, dx[e]);
        }
        var problem = GradientProblems.Unary("dropout", x, x.Length,
            (input, output) => DropoutReference.Forward(input, output, p, true),
            (_, gradOut, gradIn) => DropoutReference.Backward(gradOut, gradIn, p, true));
        GradientProblems.AssertPasses(new GradientChecker().CheckElementwise(problem), x.Length);
    }
}
