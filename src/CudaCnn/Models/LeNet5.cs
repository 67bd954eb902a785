using CudaCnn.Graph;
using CudaCnn.Layers;
using CudaCnn.Runtime;

namespace CudaCnn.Models;

/// <summary>The activation LeNet-5 uses between its layers.</summary>
public enum LeNetActivation { Tanh, Sigmoid, ReLU }

/// <summary>
/// LeNet-5 as in the lecture: conv 5x5 (6) - avg pool 2 - conv 5x5 (16) - avg pool 2 - FC 120 - FC 84 - FC classes,
/// tanh or sigmoid between layers (or ReLU, the modern variant). The 28x28 Fashion-MNIST/MNIST images are padded by
/// 2 in the first convolution, which is LeNet's 32x32 input. 61,706 parameters for 10 classes.
/// </summary>
public static class LeNet5
{
    public const int ImageSize = 28;

    public static Sequential Create(LeNetActivation activation = LeNetActivation.Tanh, int numClasses = 10, int inChannels = 1)
    {
        // Saturating activations train from PyTorch's default uniform init; ReLU from He init.
        var init = activation == LeNetActivation.ReLU ? ParameterInit.KaimingNormal : ParameterInit.Uniform;
        return new Sequential(
            ("conv1", new Conv2d(inChannels, 6, 5, padding: 2, init: init)),
            ("act1", Activation(activation)),
            ("pool1", new AvgPool2d(2)),
            ("conv2", new Conv2d(6, 16, 5, init: init)),
            ("act2", Activation(activation)),
            ("pool2", new AvgPool2d(2)),
            ("flatten", new Flatten()),
            ("fc1", new Linear(16 * 5 * 5, 120, init: init)),
            ("act3", Activation(activation)),
            ("fc2", new Linear(120, 84, init: init)),
            ("act4", Activation(activation)),
            ("fc3", new Linear(84, numClasses, init: init)));
    }

    public static TensorShape InputShape(int batch, int inChannels = 1) => new(batch, inChannels, ImageSize, ImageSize);

    private static Module Activation(LeNetActivation kind) => kind switch
    {
        LeNetActivation.Tanh => new Tanh(),
        LeNetActivation.Sigmoid => new Sigmoid(),
        LeNetActivation.ReLU => new ReLU(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "LeNet5: unknown activation"),
    };
}
