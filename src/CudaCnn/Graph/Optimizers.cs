using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Graph;

/// <summary>
/// Updates a network's trainable parameters from their gradients through the ops. State (momentum, moments) is
/// allocated per parameter on its first update; frozen parameters (RequiresGrad = false) are skipped.
/// </summary>
public abstract class Optimizer(Network network) : IDisposable
{
    private readonly Dictionary<Parameter, Tensor?[]> _state = [];

    protected IOps Ops => network.Ops;

    /// <summary>Number of completed steps (the next step is StepCount + 1).</summary>
    public int StepCount { get; private set; }

    public void ZeroGrad() => network.ZeroGrad();

    public void Step()
    {
        StepCount++;
        foreach (var p in network.Model.ParameterList)
        {
            if (!p.RequiresGrad) continue;
            if (!_state.TryGetValue(p, out var state)) _state[p] = state = NewState(p);
            Update(p, state, StepCount);
        }
    }

    /// <summary>The state tensors of one parameter (null where unused), zero-filled.</summary>
    protected abstract bool[] StateSlots { get; }

    protected abstract void Update(Parameter p, Tensor?[] state, int step);

    private Tensor?[] NewState(Parameter p) => StateSlots.Select(used =>
    {
        if (!used) return null;
        var t = new Tensor(Ops.Gpu, p.Shape);
        Ops.Fill(t, 0f);
        return t;
    }).ToArray();

    public void Dispose()
    {
        foreach (var state in _state.Values)
            foreach (var t in state) t?.Dispose();
        _state.Clear();
    }
}

/// <summary>torch.optim.SGD (momentum, dampening, Nesterov, weight decay).</summary>
public sealed class Sgd(Network network, SgdParams p) : Optimizer(network)
{
    public SgdParams Params { get; } = p;
    protected override bool[] StateSlots => [Params.Momentum != 0];
    protected override void Update(Parameter p, Tensor?[] state, int step) => Ops.SgdStep(p.Value, p.Grad, state[0], Params, step);
}

/// <summary>torch.optim.RMSprop (not centered).</summary>
public sealed class RmsProp(Network network, RmsPropParams p) : Optimizer(network)
{
    public RmsPropParams Params { get; } = p;
    protected override bool[] StateSlots => [true, Params.Momentum > 0];
    protected override void Update(Parameter p, Tensor?[] state, int step) => Ops.RmsPropStep(p.Value, p.Grad, state[0]!, state[1], Params);
}

/// <summary>torch.optim.Adam (L2 weight decay, no AMSGrad).</summary>
public sealed class Adam(Network network, AdamParams p) : Optimizer(network)
{
    public AdamParams Params { get; } = p;
    protected override bool[] StateSlots => [true, true];
    protected override void Update(Parameter p, Tensor?[] state, int step) => Ops.AdamStep(p.Value, p.Grad, state[0]!, state[1]!, Params, step);
}
