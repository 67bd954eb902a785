using CudaCnn.Graph;
using CudaCnn.Runtime;

namespace CudaCnn.Layers;

/// <summary>
/// A leaf layer: one input, one output. Forward rents y from the workspace and keeps x and y for the backward;
/// Backward returns y (and any per-step state) to the workspace. Subclasses supply the math through the ops.
/// </summary>
public abstract class Layer : Module
{
    private Tensor? _input, _output;

    protected abstract void Forward(Tensor x, Tensor y);

    /// <summary>Accumulates parameter gradients; writes dx unless it is null.</summary>
    protected abstract void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx);

    /// <summary>Per-step state besides x and y (argmax, saved statistics) goes back to the workspace here.</summary>
    protected virtual void ReleaseState() { }

    protected sealed override Tensor ForwardCore(Tensor x)
    {
        ReleaseStep();
        var y = Workspace.Rent(InferShape(x.Shape));
        (_input, _output) = (x, y);
        Forward(x, y);
        Context.CheckOutput(this, x, y);
        return y;
    }

    protected sealed override Tensor? BackwardCore(Tensor dy, bool needInputGradient)
    {
        if (_input is null || _output is null)
            throw new InvalidOperationException($"{this}: Backward without a Forward before it");
        if (dy.Shape != _output.Shape)
            throw new ArgumentException($"{GetType().Name}.Backward: dy is {dy.Shape}, the forward's output was {_output.Shape}", nameof(dy));
        var dx = needInputGradient ? Workspace.Rent(_input.Shape) : null;
        Backward(_input, _output, dy, dx);
        ReleaseStep();
        return dx;
    }

    public sealed override void ReleaseStep()
    {
        if (_output is not null) Workspace.Return(_output);
        (_input, _output) = (null, null);
        ReleaseState();
    }

    /// <summary>The output, kept until the backward, and <see cref="PlanState"/>.</summary>
    internal sealed override TensorShape PlanMemory(TensorShape x, MemoryEstimate plan)
    {
        var y = InferShape(x);
        plan.AddActivation(y.Elements);
        PlanState(x, y, plan);
        return y;
    }

    /// <summary>Per-step state and scratch besides the output (argmax, LRN scale, convolution workspace).</summary>
    internal virtual void PlanState(TensorShape x, TensorShape y, MemoryEstimate plan) { }

    /// <summary>Throws unless x has rank 4 (NCHW).</summary>
    protected static void RequireNchw(TensorShape x, string owner)
    {
        if (x.Rank != 4) throw new ArgumentException($"{owner}.Forward: x must be NCHW (rank 4), got {x}", nameof(x));
    }
}
