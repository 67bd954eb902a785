using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

public class LrnKernelsTests
{
    public static TheoryData<int[], int, double, LrnVariant> Cases => new()
    {
        // shape, size, alpha, variant; alpha is large in some cases so the window sum matters at the tolerance.
        { [1, 1, 3, 3], 5, 1e-4, LrnVariant.CuDnn },
        { [2, 7, 5, 3], 5, 0.5, LrnVariant.CuDnn },
        { [1, 6, 4, 4], 4, 0.3, LrnVariant.CuDnn },         // even size: window c-1 .. c+2
        { [3, 5, 2, 5], 3, 0.2, LrnVariant.AlexNetPaper },
        { [1, 96, 5, 5], 5, 1e-4, LrnVariant.AlexNetPaper }, // AlexNet conv1 channels, reduced spatial size
        { [1, 256, 3, 3], 5, 1e-4, LrnVariant.AlexNetPaper }, // AlexNet conv2 channels, reduced spatial size
        { [2, 9, 3, 3], 7, 2.0, LrnVariant.CuDnn },
    };

    [NvrtcTheory]
    [MemberData(nameof(Cases))]
    public void Forward_and_backward_match_the_reference(int[] dims, int size, double alpha, LrnVariant variant)
    {
        var p = new LrnParams(size, alpha, 0.75, 2.0, variant);
        var shape = new TensorShape(dims);
        var x = RandomData.Uniform(shape.Elements, seed: 60, low: -2f, high: 2f);
        var dy = RandomData.Uniform(shape.Elements, seed: 61);
        var expectedY = new float[shape.Elements];
        LrnReference.Forward(x, shape, p, expectedY);
        var expectedDx = new float[shape.Elements];
        LrnReference.Backward(x, dy, shape, p, expectedDx);

        using var sim = new SimHarness();
        var kernels = new LrnKernels(sim.Library);
        var xDevice = sim.Upload(shape, x);
        var y = sim.Poisoned(shape);
        var scale = sim.Poisoned(shape);
        kernels.Forward(xDevice, p, y, scale);
        SimHarness.AssertClose("y", expectedY, y.ToArray(), LayerTolerances.Pointwise, shape);

        var dx = sim.Poisoned(shape);
        kernels.Backward(sim.Upload(shape, dy), xDevice, y, scale, p, dx);
        SimHarness.AssertClose("dx", expectedDx, dx.ToArray(), LayerTolerances.LrnBackward, shape);
    }
}
