using CudaCnn.Graph;
using CudaCnn.Layers;
using CudaCnn.Runtime;
using CudaCnn.Tests.Graph;

namespace CudaCnn.Tests.Layers;

/// <summary>Training mode draws a fresh dropout mask per call and normalizes with batch statistics; evaluation mode
/// is deterministic (dropout is the identity, batch norm uses the running statistics).</summary>
public class TrainEvalModeTests
{
    /// <summary>Outputs of magnitude below 10 stored as float: a few ulps (1e-6) with margin.</summary>
    private const double FloatRounding = 1e-5;

    private static Sequential Model() => new(
        ("bn", new BatchNorm2d(2)), ("drop", new Dropout(0.5f)), ("flatten", new Flatten()), ("fc", new Linear(2 * 3 * 3, 4)));

    [Fact]
    public void Training_forwards_differ_evaluation_forwards_repeat()
    {
        using var net = new ReferenceNet(Model(), new TensorShape(2, 2, 3, 3));
        using var x = net.Input(1);
        var first = net.Network.Forward(x).ToArray();
        var second = net.Network.Forward(x).ToArray();
        Assert.False(first.SequenceEqual(second), "two training forwards used the same dropout mask");

        net.Network.Eval();
        var a = net.Network.Forward(x).ToArray();
        var b = net.Network.Forward(x).ToArray();
        Assert.Equal(a, b);
        Assert.False(a.SequenceEqual(first));
    }

    [Fact]
    public void Evaluation_uses_running_statistics()
    {
        var bn = new BatchNorm2d(2);
        using var net = new ReferenceNet(new Sequential(("bn", bn)), new TensorShape(2, 2, 3, 3));
        bn.RunningMean.Value.Buffer.CopyFrom([10f, -10f]);
        bn.RunningVar.Value.Buffer.CopyFrom([4f, 9f]);
        using var x = net.Input(1);
        net.Network.Eval();
        var y = net.Network.Forward(x).ToArray();
        var xs = x.ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            int channel = i / 9 % 2;
            double expected = channel == 0 ? (xs[i] - 10) / Math.Sqrt(4 + 1e-5) : (xs[i] + 10) / Math.Sqrt(9 + 1e-5);
            Assert.InRange(y[i], expected - FloatRounding, expected + FloatRounding);
        }
    }
}
