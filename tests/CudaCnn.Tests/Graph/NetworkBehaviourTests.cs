using CudaCnn.Graph;
using CudaCnn.Layers;
using CudaCnn.Models;
using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Graph;

/// <summary>Saving and loading, freezing, the workspace arena (no leaks), bad input with clear errors.</summary>
public class NetworkBehaviourTests
{
    private static Sequential SmallNet() => new(
        ("conv", new Conv2d(1, 3, 3, padding: 1)),
        ("bn", new BatchNorm2d(3)),
        ("relu", new ReLU()),
        ("pool", new MaxPool2d(2)),
        ("flatten", new Flatten()),
        ("drop", new Dropout(0.25f)),
        ("fc", new Linear(3 * 4 * 4, 5)));

    private static readonly TensorShape SmallInput = new(4, 1, 8, 8);

    [Fact]
    public void Save_then_load_restores_parameters_and_buffers()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cudacnn-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var a = new ReferenceNet(SmallNet(), SmallInput, seed: 1);
            using (var trainer = new Trainer(a.Network, new Sgd(a.Network, new SgdParams(0.1, momentum: 0.9))))
            using (var x = a.Input(2))
                trainer.Step(x, a.Labels(5, 3)); // moves weights and the running statistics
            a.Network.Save(path);

            using var b = new ReferenceNet(SmallNet(), SmallInput, seed: 99);
            b.Network.Load(path);
            var expected = a.Network.Model.NamedAll("").ToDictionary(p => p.Name, p => p.Parameter.Value.ToArray());
            foreach (var (name, p) in b.Network.Model.NamedAll(""))
                Assert.True(expected[name].SequenceEqual(p.Value.ToArray()), $"{name} differs after load");
            Assert.Contains("bn.running_var", expected.Keys);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_rejects_a_shape_mismatch_naming_the_tensor()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cudacnn-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var a = new ReferenceNet(SmallNet(), SmallInput);
            a.Network.Save(path);
            var other = new Sequential(("conv", new Conv2d(1, 4, 3, padding: 1)));
            using var b = new ReferenceNet(other, SmallInput);
            var e = Assert.Throws<InvalidDataException>(() => b.Network.Load(path));
            Assert.Contains("'conv.weight' has shape [3,1,3,3], the model expects [4,1,3,3]", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Frozen_layers_keep_their_weights_while_the_rest_learns()
    {
        var model = SmallNet();
        using var net = new ReferenceNet(model, SmallInput);
        ((Sequential)model).Children.First(c => c.Name == "conv").Module.Freeze();
        ((Sequential)model).Children.First(c => c.Name == "bn").Module.Freeze();
        var before = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Value.ToArray());
        using var trainer = new Trainer(net.Network, new Adam(net.Network, new AdamParams(1e-2)));
        using var x = net.Input(4);
        trainer.Step(x, net.Labels(5, 5));
        foreach (var (name, p) in model.NamedParameters())
        {
            bool same = before[name].SequenceEqual(p.Value.ToArray());
            Assert.True(name.StartsWith("fc.") ? !same : same, $"{name}: changed = {!same}");
        }
    }

    [Fact]
    public void Hundred_steps_allocate_nothing_after_the_first_and_dispose_frees_everything()
    {
        using var device = new HostMemoryDevice();
        int start = device.LiveAllocations;
        var ops = new ReferenceOps(device);
        var network = Network.Build(SmallNet(), ops, SmallInput, seed: 3);
        var trainer = new Trainer(network, new Adam(network, new AdamParams()));
        var x = network.CreateInput(SmallInput, new float[SmallInput.Elements]);
        var labels = new[] { 0, 1, 2, 3 };
        trainer.Step(x, labels);
        int afterFirst = device.LiveAllocations;
        for (int i = 1; i < 100; i++) trainer.Step(x, labels);
        Assert.Equal(afterFirst, device.LiveAllocations);

        x.Dispose();
        trainer.Dispose();
        network.Dispose();
        Assert.Equal(start, device.LiveAllocations);
    }

    [Fact]
    public void Build_names_the_layer_whose_shape_does_not_fit()
    {
        var model = new Sequential(("features", new Sequential(new Conv2d(3, 96, 11, stride: 4), new Conv2d(96, 96, 3))));
        var e = Assert.Throws<ShapeMismatchException>(() => Network.InferModel(model, new TensorShape(8, 1, 227, 227)));
        Assert.Equal("features.0 (Conv2d)", e.Path);
        Assert.Contains("Conv2d.Forward: x has 1 channels, weight expects 3 (x: [8,1,227,227], weight: [96,3,11,11])", e.Message);

        var tooSmall = Assert.Throws<ShapeMismatchException>(() => Network.InferModel(AlexNet.Create(), new TensorShape(1, 3, 32, 32)));
        Assert.Contains("features.", tooSmall.Path);
        Assert.Contains("does not fit", tooSmall.Message);
    }

    [Fact]
    public void Forward_rejects_an_input_of_the_wrong_shape()
    {
        using var net = new ReferenceNet(SmallNet(), SmallInput);
        using var x = new Tensor(net.Device, new TensorShape(4, 1, 9, 8));
        var e = Assert.Throws<ArgumentException>(() => net.Network.Forward(x));
        Assert.Contains("x is [4,1,9,8], the network was built for [N,1,8,8]", e.Message);
    }

    [Fact]
    public void Labels_outside_the_class_range_are_rejected_before_the_device()
    {
        using var net = new ReferenceNet(SmallNet(), SmallInput);
        using var trainer = new Trainer(net.Network, new Sgd(net.Network, new SgdParams(0.1)));
        using var x = net.Input(1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Step(x, [0, 1, 5, 2]));
        Assert.Contains("labels[2] = 5 is outside [0, 5)", e.Message);
        Assert.Throws<ArgumentException>(() => trainer.Step(x, [0, 1]));
    }

    [Fact]
    public void Nan_in_the_input_is_reported_when_asked()
    {
        using var net = new ReferenceNet(SmallNet(), SmallInput);
        var values = new float[SmallInput.Elements];
        values[17] = float.NaN;
        using var x = net.Network.CreateInput(SmallInput, values);
        net.Network.CheckFinite = true;
        var e = Assert.Throws<NonFiniteException>(() => net.Network.Forward(x));
        Assert.Equal("input", e.Layer);
        Assert.Contains("the input holds 1 NaN/infinite values", e.Message);
    }

    [Fact]
    public void The_first_layer_that_produces_a_nan_is_named()
    {
        var model = SmallNet();
        using var net = new ReferenceNet(model, SmallInput);
        // A poisoned weight: the input is finite, the fully connected layer is the first to produce NaN.
        var fc = (Linear)((Sequential)model).Children.First(c => c.Name == "fc").Module;
        var w = fc.Weight.Value.ToArray();
        w[3] = float.NaN;
        fc.Weight.Value.Buffer.CopyFrom(w);
        using var x = net.Input(1);
        net.Network.CheckFinite = true;
        var e = Assert.Throws<NonFiniteException>(() => net.Network.Forward(x));
        Assert.Equal("fc", e.Layer);
        Assert.Contains("its input was finite", e.Message);
    }

    [Fact]
    public void A_model_larger_than_the_device_is_refused_before_allocating()
    {
        using var tiny = new HostMemoryDevice(totalMemoryBytes: 1L << 30);
        var e = Assert.Throws<InsufficientMemoryException>(() => Network.Build(Vgg16.Create(), new ReferenceOps(tiny), new TensorShape(1, 3, 224, 224)));
        Assert.Contains("138,357,544 parameters", e.Message);
        Assert.Equal(0, tiny.LiveAllocations);
    }
}
