using CudaCnn.Graph;
using CudaCnn.Layers;

namespace CudaCnn.Models;

/// <summary>
/// ResNets as torchvision builds them (names included: "layer1.0.conv1.weight", "layer2.0.downsample.0.weight"):
/// conv 7x7/2 (64, no bias) - BN - ReLU - max pool 3/2 pad 1 - four stages - global average pool - FC.
/// Basic blocks (two 3x3 convs) for ResNet-18/34, bottlenecks (1x1, 3x3, 1x1 with expansion 4) for ResNet-50;
/// a projection shortcut (1x1 conv stride s + BN) where the shape changes. Published parameter counts:
/// ResNet-18 11,689,512; ResNet-34 21,797,672; ResNet-50 25,557,032 (1000 classes).
/// <paramref name="baseWidth"/> (64 in the papers) shrinks every width for tests.
/// </summary>
public static class ResNet
{
    public const int ImageSize = 224;

    public static Sequential ResNet18(int numClasses = 1000, int baseWidth = 64) => Create([2, 2, 2, 2], bottleneck: false, numClasses, baseWidth);
    public static Sequential ResNet34(int numClasses = 1000, int baseWidth = 64) => Create([3, 4, 6, 3], bottleneck: false, numClasses, baseWidth);
    public static Sequential ResNet50(int numClasses = 1000, int baseWidth = 64) => Create([3, 4, 6, 3], bottleneck: true, numClasses, baseWidth);

    public static Sequential Create(int[] blocks, bool bottleneck, int numClasses, int baseWidth)
    {
        int expansion = bottleneck ? 4 : 1;
        var net = new Sequential(
            ("conv1", new Conv2d(3, baseWidth, 7, stride: 2, padding: 3, bias: false)),
            ("bn1", new BatchNorm2d(baseWidth)),
            ("relu", new ReLU()),
            ("maxpool", new MaxPool2d(3, 2, padding: 1)));
        int inChannels = baseWidth;
        for (int stage = 0; stage < blocks.Length; stage++)
        {
            int width = baseWidth << stage;
            var layer = new Sequential(Array.Empty<Module>());
            for (int b = 0; b < blocks[stage]; b++)
            {
                int stride = b == 0 && stage > 0 ? 2 : 1;
                layer.Add(bottleneck ? Bottleneck(inChannels, width, stride) : BasicBlock(inChannels, width, stride));
                inChannels = width * expansion;
            }
            net.Add($"layer{stage + 1}", layer);
        }
        return net.Add("avgpool", new AdaptiveAvgPool2d(1))
            .Add("flatten", new Flatten())
            .Add("fc", new Linear(inChannels, numClasses));
    }

    private static Residual BasicBlock(int inChannels, int width, int stride) => new(
        [
            ("conv1", new Conv2d(inChannels, width, 3, stride, padding: 1, bias: false)),
            ("bn1", new BatchNorm2d(width)),
            ("relu", new ReLU()),
            ("conv2", new Conv2d(width, width, 3, padding: 1, bias: false)),
            ("bn2", new BatchNorm2d(width)),
        ],
        Projection(inChannels, width, stride), new ReLU());

    private static Residual Bottleneck(int inChannels, int width, int stride) => new(
        [
            ("conv1", new Conv2d(inChannels, width, 1, bias: false)),
            ("bn1", new BatchNorm2d(width)),
            ("relu1", new ReLU()),
            ("conv2", new Conv2d(width, width, 3, stride, padding: 1, bias: false)),
            ("bn2", new BatchNorm2d(width)),
            ("relu2", new ReLU()),
            ("conv3", new Conv2d(width, width * 4, 1, bias: false)),
            ("bn3", new BatchNorm2d(width * 4)),
        ],
        Projection(inChannels, width * 4, stride), new ReLU());

    /// <summary>The 1x1 conv + BN shortcut where the block changes the shape; null (identity) where it does not.</summary>
    private static Sequential? Projection(int inChannels, int outChannels, int stride) =>
        stride == 1 && inChannels == outChannels
            ? null
            : new Sequential(new Conv2d(inChannels, outChannels, 1, stride, bias: false), new BatchNorm2d(outChannels));
}
