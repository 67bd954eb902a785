using CudaCnn.Layers;
using CudaCnn.Runtime;

namespace CudaCnn.Graph;

/// <summary>One supervised training step: zero the gradients, forward, cross-entropy, backward, optimizer step.
/// Nothing is read back; <see cref="ReadLoss"/> and <see cref="CountCorrect"/> read when asked.</summary>
public sealed class Trainer(Network network, Optimizer optimizer) : IDisposable
{
    public Network Network { get; } = network;
    public Optimizer Optimizer { get; } = optimizer;
    public CrossEntropyLoss Loss { get; } = new(network);

    public void Step(Tensor x, ReadOnlySpan<int> labels)
    {
        Network.Train();
        Network.ZeroGrad();
        var logits = Network.Forward(x);
        Loss.Forward(logits, labels);
        Network.Backward(Loss.Backward());
        Optimizer.Step();
    }

    /// <summary>Loss and correct count of a batch in evaluation mode (no gradients, running statistics).</summary>
    public (float Loss, int Correct) Evaluate(Tensor x, ReadOnlySpan<int> labels)
    {
        Network.Eval();
        Loss.Forward(Network.Forward(x), labels);
        var result = (Loss.ReadLoss(), Loss.CountCorrect());
        Network.Model.ReleaseStep();
        Network.Train();
        return result;
    }

    public float ReadLoss() => Loss.ReadLoss();
    public int CountCorrect() => Loss.CountCorrect();

    public void Dispose()
    {
        Loss.Dispose();
        Optimizer.Dispose();
    }
}
