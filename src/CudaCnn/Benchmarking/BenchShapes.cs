using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Benchmarking;

/// <summary>A convolution layer of a benchmark model: input [N, C, H, W], weight [K, C, kH, kW] and geometry.</summary>
public sealed record ConvLayer(string Model, string Name, TensorShape X, TensorShape Weight, Conv2dParams Params)
{
    public static ConvLayer Square(string model, string name, int batch, int inChannels, int side, int outChannels,
        int kernel, int stride = 1, int padding = 0) =>
        new(model, name, new TensorShape(batch, inChannels, side, side), new TensorShape(outChannels, inChannels, kernel, kernel),
            new Conv2dParams(stride, padding));

    /// <summary>"alexnet.conv2.b128": the group name in case names.</summary>
    public string Id => $"{Model}.{Name}.b{X.N}";

    /// <summary>"alexnet.conv2": the layer without its batch.</summary>
    public string FullName => $"{Model}.{Name}";

    public ConvLayer WithBatch(int batch) => this with { X = new TensorShape(batch, X.C, X.H, X.W) };

    /// <summary>Terms per forward output (C/groups * kH * kW), per dx element (K/groups * kH * kW) and per dw
    /// element (N * outH * outW): the reduction lengths the tolerances scale with.</summary>
    public long ForwardLength => (long)Weight.C * Weight.H * Weight.W;
    public long BackwardDataLength => (long)Weight.N / Params.Groups * Weight.H * Weight.W;
    public long BackwardFilterLength
    {
        get
        {
            var y = Params.OutputShape(X, Weight);
            return (long)y.N * y.H * y.W;
        }
    }
}

/// <summary>A GEMM C[m, n] = op(A) op(B) of a benchmark (B transposed for a fully-connected layer's forward).</summary>
public sealed record GemmShape(string Name, int M, int N, int K, bool TransB = false)
{
    public string Id => $"{Name}.{M}x{N}x{K}{(TransB ? ".nt" : "")}";
}

/// <summary>The layer shapes of /work/shared/reference/perf-targets.md (AlexNet lecture version, VGG-style layers
/// of DeepBench "vision", ResNet-50) for a real device, and small shapes the software GPU runs in seconds.</summary>
public static class BenchShapes
{
    public const int AlexNetBatch = 128;
    public const int VggBatch = 16;
    public const int ResNetBatch = 32;

    /// <summary>AlexNet (lecture version, batch 128): conv1 11x11 s4 on 227, conv2 5x5 p2 on 27, conv3-5 3x3 p1 on 13.</summary>
    public static IReadOnlyList<ConvLayer> AlexNet { get; } =
    [
        ConvLayer.Square("alexnet", "conv1", AlexNetBatch, 3, 227, 96, 11, stride: 4),
        ConvLayer.Square("alexnet", "conv2", AlexNetBatch, 96, 27, 256, 5, padding: 2),
        ConvLayer.Square("alexnet", "conv3", AlexNetBatch, 256, 13, 384, 3, padding: 1),
        ConvLayer.Square("alexnet", "conv4", AlexNetBatch, 384, 13, 384, 3, padding: 1),
        ConvLayer.Square("alexnet", "conv5", AlexNetBatch, 384, 13, 256, 3, padding: 1),
    ];

    /// <summary>VGG-style 3x3 p1 layers (DeepBench "vision", batch 16).</summary>
    public static IReadOnlyList<ConvLayer> Vgg16 { get; } =
    [
        ConvLayer.Square("vgg16", "224x224.3-64", VggBatch, 3, 224, 64, 3, padding: 1),
        ConvLayer.Square("vgg16", "112x112.64-128", VggBatch, 64, 112, 128, 3, padding: 1),
        ConvLayer.Square("vgg16", "56x56.128-256", VggBatch, 128, 56, 256, 3, padding: 1),
        ConvLayer.Square("vgg16", "28x28.256-512", VggBatch, 256, 28, 512, 3, padding: 1),
        ConvLayer.Square("vgg16", "14x14.512-512", VggBatch, 512, 14, 512, 3, padding: 1),
        ConvLayer.Square("vgg16", "7x7.512-512", VggBatch, 512, 7, 512, 3, padding: 1),
    ];

    /// <summary>ResNet-50 (batch 32): the stem, each stage's bottleneck convolutions and the 1x1 s2 projections.</summary>
    public static IReadOnlyList<ConvLayer> ResNet50 { get; } =
    [
        ConvLayer.Square("resnet50", "stem.7x7s2", ResNetBatch, 3, 224, 64, 7, stride: 2, padding: 3),
        ConvLayer.Square("resnet50", "56x56.64-64.1x1", ResNetBatch, 64, 56, 64, 1),
        ConvLayer.Square("resnet50", "56x56.64-64.3x3", ResNetBatch, 64, 56, 64, 3, padding: 1),
        ConvLayer.Square("resnet50", "56x56.64-256.1x1", ResNetBatch, 64, 56, 256, 1),
        ConvLayer.Square("resnet50", "56x56.256-512.1x1s2", ResNetBatch, 256, 56, 512, 1, stride: 2),
        ConvLayer.Square("resnet50", "28x28.128-128.3x3", ResNetBatch, 128, 28, 128, 3, padding: 1),
        ConvLayer.Square("resnet50", "28x28.128-512.1x1", ResNetBatch, 128, 28, 512, 1),
        ConvLayer.Square("resnet50", "28x28.256-128.1x1", ResNetBatch, 256, 28, 128, 1),
        ConvLayer.Square("resnet50", "28x28.512-1024.1x1s2", ResNetBatch, 512, 28, 1024, 1, stride: 2),
        ConvLayer.Square("resnet50", "14x14.256-256.3x3", ResNetBatch, 256, 14, 256, 3, padding: 1),
        ConvLayer.Square("resnet50", "14x14.256-1024.1x1", ResNetBatch, 256, 14, 1024, 1),
        ConvLayer.Square("resnet50", "14x14.1024-256.1x1", ResNetBatch, 1024, 14, 256, 1),
        ConvLayer.Square("resnet50", "14x14.1024-2048.1x1s2", ResNetBatch, 1024, 14, 2048, 1, stride: 2),
        ConvLayer.Square("resnet50", "7x7.512-512.3x3", ResNetBatch, 512, 7, 512, 3, padding: 1),
        ConvLayer.Square("resnet50", "7x7.512-2048.1x1", ResNetBatch, 512, 7, 2048, 1),
        ConvLayer.Square("resnet50", "7x7.2048-512.1x1", ResNetBatch, 2048, 7, 512, 1),
    ];

    public static IEnumerable<ConvLayer> AllDevice => AlexNet.Concat(Vgg16).Concat(ResNet50);

    /// <summary>GEMMs for a real device: square sizes and AlexNet's fully-connected layers (x W^T, batch 128).</summary>
    public static IReadOnlyList<GemmShape> DeviceGemms { get; } =
    [
        new("square", 1024, 1024, 1024),
        new("square", 4096, 4096, 4096),
        new("alexnet.fc6", AlexNetBatch, 4096, 9216, TransB: true),
        new("alexnet.fc7", AlexNetBatch, 4096, 4096, TransB: true),
    ];

    /// <summary>Software GPU: LeNet-5's second convolution (batch 8) and a small 3x3 layer every algorithm applies to.</summary>
    public static IReadOnlyList<ConvLayer> Sim { get; } =
    [
        ConvLayer.Square("lenet5", "conv2", 8, 6, 14, 16, 5),
        ConvLayer.Square("small", "16x16.16-16.3x3", 2, 16, 16, 16, 3, padding: 1),
    ];

    public static IReadOnlyList<GemmShape> SimGemms { get; } = [new("square", 128, 128, 128)];
}
