using CudaCnn.Graph;
using CudaCnn.Models;
using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Graph;

/// <summary>One training step of every model on the reference backend (reduced sizes where the full model would be
/// slow on the CPU), then a few more on the same batch: the loss must fall, every trainable tensor must move.</summary>
public class TrainingStepTests
{
    /// <summary>Repeating a step on one batch must lower the loss by at least this fraction: a working backward and
    /// optimizer do much better; a broken sign or a missing gradient does not get there.</summary>
    private const double MinimumRelativeDrop = 0.05;

    public static TheoryData<string> ModelNames => ["lenet5-tanh", "lenet5-relu", "alexnet", "vgg16", "resnet18", "resnet34", "resnet50"];

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Training_on_one_batch_lowers_the_loss_and_moves_every_parameter(string name)
    {
        var (model, input, classes) = Reduced(name);
        using var net = new ReferenceNet(model, input);
        using var trainer = new Trainer(net.Network, new Adam(net.Network, new AdamParams(learningRate: 1e-3)));
        using var x = net.Input(seed: 11);
        var labels = net.Labels(classes, seed: 12);
        var before = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Value.ToArray());

        trainer.Step(x, labels);
        float first = trainer.ReadLoss();
        Assert.True(float.IsFinite(first), $"{name}: first loss {first}");
        foreach (var (pname, p) in model.NamedParameters())
            Assert.False(before[pname].SequenceEqual(p.Value.ToArray()), $"{name}: {pname} did not change after one step");

        for (int i = 0; i < 5; i++) trainer.Step(x, labels);
        float last = trainer.ReadLoss();
        Assert.True(last < first * (1 - MinimumRelativeDrop), $"{name}: loss {first} -> {last} after 6 steps on one batch");
    }

    /// <summary>The model, its input shape and class count, shrunk for the CPU reference where needed.</summary>
    internal static (Module Model, TensorShape Input, int Classes) Reduced(string name) => name switch
    {
        "lenet5-tanh" => (LeNet5.Create(LeNetActivation.Tanh), LeNet5.InputShape(4), 10),
        "lenet5-relu" => (LeNet5.Create(LeNetActivation.ReLU), LeNet5.InputShape(4), 10),
        // 67x67 keeps every AlexNet stage (conv1 15x15, pools 7 and 3, final map 1x1); widths / 16.
        "alexnet" => (AlexNet.Create(numClasses: 10, imageSize: 67, widthDivisor: 16), new TensorShape(2, 3, 67, 67), 10),
        "vgg16" => (Vgg16.Create(numClasses: 10, imageSize: 32, widthDivisor: 16), new TensorShape(2, 3, 32, 32), 10),
        // 64x64 leaves layer4 a 2x2 map, so its batch norms see 8 values per channel at batch 2 (at 1x1 they would
        // see 2, which normalizes every input to +-1 and stalls learning).
        "resnet18" => (ResNet.ResNet18(numClasses: 10, baseWidth: 8), new TensorShape(2, 3, 64, 64), 10),
        "resnet34" => (ResNet.ResNet34(numClasses: 10, baseWidth: 4), new TensorShape(2, 3, 64, 64), 10),
        "resnet50" => (ResNet.ResNet50(numClasses: 10, baseWidth: 4), new TensorShape(2, 3, 64, 64), 10),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown model"),
    };
}
