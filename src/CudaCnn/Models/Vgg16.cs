using CudaCnn.Graph;
using CudaCnn.Layers;
using CudaCnn.Runtime;

namespace CudaCnn.Models;

/// <summary>VGG-16 (configuration D, torchvision's layout and names): thirteen 3x3 convolutions with ReLU in five
/// stages separated by 2x2 max pooling, then FC 4096 - FC 4096 - FC classes with dropout. 138,357,544 parameters at
/// 224x224. <paramref name="imageSize"/> (a multiple of 32) and <paramref name="widthDivisor"/> shrink it for tests.</summary>
public static class Vgg16
{
    public const int ImageSize = 224;
    private static readonly int[] Stages = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0];

    public static Sequential Create(int numClasses = 1000, int imageSize = ImageSize, int widthDivisor = 1)
    {
        var features = new Sequential(Array.Empty<Module>());
        int channels = 3;
        foreach (int width in Stages)
        {
            if (width == 0)
            {
                features.Add(new MaxPool2d(2, 2));
                continue;
            }
            int outChannels = Math.Max(1, width / widthDivisor);
            features.Add(new Conv2d(channels, outChannels, 3, padding: 1)).Add(new ReLU());
            channels = outChannels;
        }
        var map = Network.InferModel(features, new TensorShape(1, 3, imageSize, imageSize));
        int hidden = Math.Max(1, 4096 / widthDivisor);
        var classifier = new Sequential(
            new Linear(map.C * map.H * map.W, hidden), new ReLU(), new Dropout(0.5f),
            new Linear(hidden, hidden), new ReLU(), new Dropout(0.5f),
            new Linear(hidden, numClasses));
        return new Sequential(("features", features), ("flatten", new Flatten()), ("classifier", classifier));
    }
}
