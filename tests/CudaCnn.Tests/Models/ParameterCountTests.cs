using CudaCnn.Graph;
using CudaCnn.Layers;
using CudaCnn.Models;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Models;

/// <summary>Published parameter counts, counted from the declared shapes (no memory is allocated).</summary>
public class ParameterCountTests
{
    [Fact]
    public void ResNet18_matches_torchvision() => Assert.Equal(11_689_512, ResNet.ResNet18().ParameterCount());

    [Fact]
    public void ResNet34_matches_torchvision() => Assert.Equal(21_797_672, ResNet.ResNet34().ParameterCount());

    [Fact]
    public void ResNet50_matches_torchvision() => Assert.Equal(25_557_032, ResNet.ResNet50().ParameterCount());

    [Fact]
    public void Vgg16_matches_torchvision() => Assert.Equal(138_357_544, Vgg16.Create().ParameterCount());

    [Fact]
    public void LeNet5_has_61706_parameters() => Assert.Equal(61_706, LeNet5.Create().ParameterCount());

    [Fact]
    public void AlexNet_lecture_weights_per_layer_and_shapes()
    {
        var net = AlexNet.Create();
        var weights = net.NamedParameters().Where(p => p.Name.EndsWith(".weight")).Select(p => p.Parameter.Shape.Elements).ToArray();
        Assert.Equal(new long[] { 34_848, 614_400, 884_736, 1_327_104, 884_736, 37_748_736, 16_777_216, 4_096_000 }, weights);
        long biases = 96 + 256 + 384 + 384 + 256 + 4096 + 4096 + 1000;
        Assert.Equal(weights.Sum() + biases, net.ParameterCount());

        // The lecture's output shapes, layer by layer, from shape inference alone.
        var features = (Sequential)net.Children.First().Module;
        var shape = new TensorShape(1, 3, 227, 227);
        var seen = new List<string>();
        foreach (var (_, layer) in features.Children)
        {
            shape = layer.InferShape(shape);
            if (layer is Conv2d or MaxPool2d) seen.Add($"{shape.H}x{shape.W}x{shape.C}");
        }
        Assert.Equal(["55x55x96", "27x27x96", "27x27x256", "13x13x256", "13x13x384", "13x13x384", "13x13x256", "6x6x256"], seen);
        Assert.Equal(new TensorShape(1, 1000), Network.InferModel(net, new TensorShape(1, 3, 227, 227)));
    }

    [Fact]
    public void AlexNet_groups_2_halves_the_split_convolutions()
    {
        var weights = AlexNet.Create(groups: 2).NamedParameters().Where(p => p.Name.EndsWith(".weight"))
            .Select(p => p.Parameter.Shape.Elements).ToArray();
        Assert.Equal(new long[] { 34_848, 307_200, 884_736, 663_552, 442_368, 37_748_736, 16_777_216, 4_096_000 }, weights);
    }

    [Fact]
    public void Names_follow_torchvision()
    {
        var names = ResNet.ResNet50().NamedParameters().Select(p => p.Name).ToList();
        Assert.Contains("layer1.0.conv1.weight", names);
        Assert.Contains("layer2.0.downsample.0.weight", names);
        Assert.Contains("layer4.2.bn3.bias", names);
        Assert.Contains("fc.weight", names);
        Assert.Contains("layer1.0.bn1.running_mean", ResNet.ResNet18().NamedBuffers().Select(b => b.Name));
        Assert.DoesNotContain(names, n => n.Contains("running"));
        Assert.Contains("classifier.6.weight", Vgg16.Create().NamedParameters().Select(p => p.Name));
    }
}
