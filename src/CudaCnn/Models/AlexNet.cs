using CudaCnn.Graph;
using CudaCnn.Layers;
using CudaCnn.Runtime;

namespace CudaCnn.Models;

/// <summary>
/// AlexNet, lecture version (Krizhevsky et al. 2012 on one GPU): 227x227x3 input; conv 11x11/4 (96) - ReLU - LRN -
/// max pool 3/2 - conv 5x5 pad 2 (256) - ReLU - LRN - max pool 3/2 - conv 3x3 (384) - conv 3x3 (384) - conv 3x3 (256)
/// - max pool 3/2 - dropout 0.5 - FC 4096 - dropout 0.5 - FC 4096 - FC classes. LRN: n = 5, alpha = 1e-4, beta = 0.75,
/// k = 2. groups = 2 splits conv2, conv4 and conv5 as the paper's two GPUs did. 62,378,344 parameters (groups 1).
/// <paramref name="imageSize"/> and <paramref name="widthDivisor"/> shrink it for tests on slow backends.
/// </summary>
public static class AlexNet
{
    public const int ImageSize = 227;

    public static Sequential Create(int numClasses = 1000, int groups = 1, int imageSize = ImageSize, int widthDivisor = 1)
    {
        int W(int channels) => Math.Max(groups, channels / widthDivisor);
        var features = new Sequential(
            new Conv2d(3, W(96), 11, stride: 4), new ReLU(), Lrn(), new MaxPool2d(3, 2),
            new Conv2d(W(96), W(256), 5, padding: 2, groups: groups), new ReLU(), Lrn(), new MaxPool2d(3, 2),
            new Conv2d(W(256), W(384), 3, padding: 1), new ReLU(),
            new Conv2d(W(384), W(384), 3, padding: 1, groups: groups), new ReLU(),
            new Conv2d(W(384), W(256), 3, padding: 1, groups: groups), new ReLU(),
            new MaxPool2d(3, 2));
        var map = Network.InferModel(features, new TensorShape(1, 3, imageSize, imageSize));
        int flat = map.C * map.H * map.W, hidden = W(4096);
        var classifier = new Sequential(
            new Dropout(0.5f), new Linear(flat, hidden), new ReLU(),
            new Dropout(0.5f), new Linear(hidden, hidden), new ReLU(),
            new Linear(hidden, numClasses));
        return new Sequential(("features", features), ("flatten", new Flatten()), ("classifier", classifier));
    }

    private static LocalResponseNorm Lrn() => new(5, 1e-4, 0.75, 2.0);
}
