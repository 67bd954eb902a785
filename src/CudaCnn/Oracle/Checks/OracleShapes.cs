using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Oracle;

/// <summary>A named convolution layer: input shape, weight shape and geometry.</summary>
public sealed record ConvLayer(string Name, TensorShape X, TensorShape Weight, Conv2dParams P)
{
    /// <summary>Terms per forward output (C/groups * kH * kW), per dx element (K/groups * kH * kW) and per dw
    /// element (N * outH * outW): the reduction lengths the tolerances scale with.</summary>
    public long ForwardLength => (long)Weight.C * Weight.H * Weight.W;
    public long BackwardDataLength => (long)Weight.N / P.Groups * Weight.H * Weight.W;
    public long BackwardFilterLength
    {
        get
        {
            var y = P.OutputShape(X, Weight);
            return (long)y.N * y.H * y.W;
        }
    }
}

/// <summary>
/// The convolution layers of the benchmark suite (docs: ../shared/reference/perf-targets.md): AlexNet (lecture
/// version), VGG-16's 3x3 stages and ResNet-50's stem and bottleneck convolutions, at a chosen batch size.
/// </summary>
public static class OracleShapes
{
    public static IReadOnlyList<ConvLayer> BenchmarkConvolutions(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ConvLayer L(string name, int c, int hw, int k, int kernel, int stride = 1, int pad = 0) =>
            new(name, new TensorShape(batch, c, hw, hw), new TensorShape(k, c, kernel, kernel), new Conv2dParams(stride: stride, padding: pad));
        return
        [
            L("alexnet.conv1", 3, 227, 96, 11, stride: 4),
            L("alexnet.conv2", 96, 27, 256, 5, pad: 2),
            L("alexnet.conv3", 256, 13, 384, 3, pad: 1),
            L("alexnet.conv4", 384, 13, 384, 3, pad: 1),
            L("alexnet.conv5", 384, 13, 256, 3, pad: 1),
            L("vgg.224x224.3-64", 3, 224, 64, 3, pad: 1),
            L("vgg.112x112.64-128", 64, 112, 128, 3, pad: 1),
            L("vgg.56x56.128-256", 128, 56, 256, 3, pad: 1),
            L("vgg.28x28.256-512", 256, 28, 512, 3, pad: 1),
            L("vgg.14x14.512-512", 512, 14, 512, 3, pad: 1),
            L("vgg.7x7.512-512", 512, 7, 512, 3, pad: 1),
            L("resnet50.stem", 3, 224, 64, 7, stride: 2, pad: 3),
            L("resnet50.56.64-64.1x1", 64, 56, 64, 1),
            L("resnet50.56.64-64.3x3", 64, 56, 64, 3, pad: 1),
            L("resnet50.56.64-256.1x1", 64, 56, 256, 1),
            L("resnet50.56.256-512.1x1s2", 256, 56, 512, 1, stride: 2),
            L("resnet50.28.128-128.3x3", 128, 28, 128, 3, pad: 1),
            L("resnet50.28.128-512.1x1", 128, 28, 512, 1),
            L("resnet50.28.256-128.1x1", 256, 28, 128, 1),
            L("resnet50.14.256-256.3x3", 256, 14, 256, 3, pad: 1),
            L("resnet50.14.256-1024.1x1", 256, 14, 1024, 1),
            L("resnet50.14.1024-256.1x1", 1024, 14, 256, 1),
            L("resnet50.7.512-512.3x3", 512, 7, 512, 3, pad: 1),
            L("resnet50.7.512-2048.1x1", 512, 7, 2048, 1),
            L("resnet50.7.2048-512.1x1", 2048, 7, 512, 1),
        ];
    }
}
