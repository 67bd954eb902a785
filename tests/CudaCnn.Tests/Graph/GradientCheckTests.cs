using CudaCnn.Graph;
using CudaCnn.Layers;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Graph;

/// <summary>End-to-end gradient checks of small networks through the graph (loss included): the analytic gradient of
/// the input and of every parameter against central differences (the reference's GradientChecker, Caffe's rule).</summary>
public class GradientCheckTests
{
    [Fact]
    public void Conv_batchnorm_lrn_pool_residual_linear_loss()
    {
        var model = new Sequential(
            ("conv", new Conv2d(2, 4, 3, padding: 1)),
            ("bn", new BatchNorm2d(4)),
            ("act", new Tanh()),
            ("lrn", new LocalResponseNorm(3, alpha: 0.5, beta: 0.75, k: 2)),
            ("pool", new MaxPool2d(2)),
            ("block", new Residual(
                [("conv1", new Conv2d(4, 4, 3, padding: 1)), ("bn1", new BatchNorm2d(4)), ("elu", new ELU())],
                downsample: null, after: new Tanh())),
            ("avg", new AvgPool2d(2)),
            ("flatten", new Flatten()),
            ("fc", new Linear(4, 3)));
        Check(model, new TensorShape(2, 2, 4, 4), classes: 3);
    }

    [Fact]
    public void Projection_shortcut_concat_and_global_pool()
    {
        var model = new Sequential(
            ("block", new Residual(
                [("conv1", new Conv2d(2, 3, 3, stride: 2, padding: 1, bias: false)), ("bn1", new BatchNorm2d(3))],
                downsample: new Sequential(new Conv2d(2, 3, 1, stride: 2, bias: false), new BatchNorm2d(3)),
                after: new Sigmoid())),
            ("mix", new Concat(new Conv2d(3, 2, 1), new Sequential(new Conv2d(3, 2, 3, padding: 1), new LeakyReLU(0.1)))),
            ("gap", new AdaptiveAvgPool2d(1)),
            ("flatten", new Flatten()),
            ("fc", new Linear(4, 3)));
        Check(model, new TensorShape(3, 2, 5, 5), classes: 3);
    }

    private static void Check(Module model, TensorShape inputShape, int classes)
    {
        using var net = new ReferenceNet(model, inputShape);
        var parameters = model.NamedParameters().ToArray();
        var labels = RandomData.Integers(inputShape.N, classes, 5);
        var inputs = new[] { RandomData.Uniform(inputShape.Elements, 3) }
            .Concat(parameters.Select(p => p.Parameter.Value.ToArray())).ToArray();
        var names = new[] { "x" }.Concat(parameters.Select(p => p.Name)).ToArray();
        using var x = new Tensor(net.Device, inputShape);
        using var loss = new CrossEntropyLoss(net.Network);

        void Load(float[][] values)
        {
            x.Buffer.CopyFrom(values[0]);
            for (int i = 0; i < parameters.Length; i++) parameters[i].Parameter.Value.Buffer.CopyFrom(values[i + 1]);
        }

        var problem = new GradientProblem
        {
            Name = string.Join(" ", model.Children.Select(c => c.Module.GetType().Name)),
            Inputs = inputs,
            InputNames = names,
            OutputLength = 1,
            Forward = (values, y) =>
            {
                Load(values);
                loss.Forward(net.Network.Forward(x), labels);
                y[0] = loss.ReadLoss();
                model.ReleaseStep();
            },
            Backward = (values, dy, grads) =>
            {
                Load(values);
                net.Network.ZeroGrad();
                loss.Forward(net.Network.Forward(x), labels);
                var dLogits = loss.Backward();
                var scaled = net.Network.Workspace.Rent(dLogits.Shape);
                net.Ops.Fill(scaled, 0);
                net.Ops.Axpy(dy[0], dLogits, scaled);
                var dx = model.Backward(scaled, needInputGradient: true)!;
                dx.Buffer.CopyTo(grads[0]);
                for (int i = 0; i < parameters.Length; i++) parameters[i].Parameter.Grad.Buffer.CopyTo(grads[i + 1]);
                foreach (var t in new[] { dLogits, scaled, dx }) net.Network.Workspace.Return(t);
            },
        };
        var result = new GradientChecker().Check(problem).ThrowIfFailed();
        Assert.Equal(inputs.Sum(a => a.Length), result.Checked);
    }
}
