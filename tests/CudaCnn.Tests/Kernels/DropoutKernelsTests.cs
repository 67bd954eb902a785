using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

public class DropoutKernelsTests
{
    public static TheoryData<float, ulong, ulong, int> Streams => new()
    {
        // p, seed, offset, length (odd lengths exercise the partial last group of four)
        { 0.5f, 0, 0, 1 },
        { 0.5f, 42, 0, 1023 },
        { 0.1f, 0xDEADBEEFCAFEF00D, 7, 4096 },
        { 0.9f, 1234, 0x1_0000_0003, 777 },   // offset above 2^32: its high word enters the counter
        { 0.0f, 5, 5, 100 },                  // keeps everything, scale 1
        { 0.999f, 99, 1, 2048 },
    };

    [NvrtcTheory]
    [MemberData(nameof(Streams))]
    public void Forward_and_backward_equal_the_reference_bit_for_bit(float dropP, ulong seed, ulong offset, int n)
    {
        var p = new DropoutParams(dropP, seed, offset);
        var x = RandomData.Uniform(n, seed: 70);
        var dy = RandomData.Uniform(n, seed: 71);
        var expectedY = new float[n];
        DropoutReference.Forward(x, expectedY, p, training: true);
        var expectedDx = new float[n];
        DropoutReference.Backward(dy, expectedDx, p, training: true);

        using var sim = new SimHarness();
        foreach (bool vector in new[] { true, false })
        {
            var kernels = new DropoutKernels(sim.Library) { UseVectorKernels = vector };
            var y = sim.PoisonedBuffer(n);
            kernels.Forward(y, sim.Upload(x), p, training: true);
            Assert.Equal(Bits(expectedY), Bits(y.ToArray()));
            var dx = sim.PoisonedBuffer(n);
            kernels.Backward(dx, sim.Upload(dy), p, training: true);
            Assert.Equal(Bits(expectedDx), Bits(dx.ToArray()));
        }
    }

    [NvrtcFact]
    public void Kept_fraction_is_within_five_standard_deviations_of_one_minus_p()
    {
        const int n = 16384;
        using var sim = new SimHarness();
        var kernels = new DropoutKernels(sim.Library);
        var ones = sim.Upload(Enumerable.Repeat(1f, n).ToArray());
        foreach (float dropP in new[] { 0.2f, 0.5f, 0.8f })
        {
            var y = sim.PoisonedBuffer(n);
            kernels.Forward(y, ones, new DropoutParams(dropP, seed: 2024, offset: 3), training: true);
            int kept = y.ToArray().Count(v => v != 0);
            double expected = n * (1 - dropP), sigma = Math.Sqrt(n * dropP * (1 - dropP));
            Assert.InRange(kept, expected - 5 * sigma, expected + 5 * sigma);
        }
    }

    [NvrtcFact]
    public void Evaluation_is_the_identity_and_in_place_is_allowed()
    {
        var x = RandomData.Uniform(37, seed: 72);
        using var sim = new SimHarness();
        var kernels = new DropoutKernels(sim.Library);
        var p = new DropoutParams(0.5f, 1, 2);
        var y = sim.PoisonedBuffer(x.Length);
        kernels.Forward(y, sim.Upload(x), p, training: false);
        Assert.Equal(x, y.ToArray());

        var inPlace = sim.Upload(x);
        kernels.Forward(inPlace, inPlace, p, training: true);
        var expected = new float[x.Length];
        DropoutReference.Forward(x, expected, p, training: true);
        Assert.Equal(Bits(expected), Bits(inPlace.ToArray()));
    }

    private static uint[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToUInt32Bits)];
}
