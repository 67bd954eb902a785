using CudaCnn.Runtime;

namespace CudaCnn.Graph;

/// <summary>Modules applied one after another (torch.nn.Sequential). Children are named "0", "1", ... unless named
/// explicitly. The backward skips input gradients nobody needs (the network input, frozen prefixes).</summary>
public sealed class Sequential : Module
{
    private readonly List<(string Name, Module Module)> _children = [];

    public Sequential(params Module[] modules)
    {
        foreach (var m in modules) Add(m);
    }

    public Sequential(params (string Name, Module Module)[] named)
    {
        foreach (var (name, m) in named) Add(name, m);
    }

    public override IEnumerable<(string Name, Module Module)> Children => _children;

    public int Count => _children.Count;
    public Module this[int index] => _children[index].Module;

    public Sequential Add(Module module) => Add(_children.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);

    public Sequential Add(string name, Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (_children.Any(c => c.Name == name)) throw new ArgumentException($"Sequential: a child named '{name}' already exists", nameof(name));
        _children.Add((name, module));
        return this;
    }

    public override TensorShape InferShape(TensorShape x)
    {
        foreach (var (name, child) in _children) x = InferChild(name, child, x);
        return x;
    }

    internal override TensorShape PlanMemory(TensorShape x, MemoryEstimate plan)
    {
        foreach (var (_, child) in _children) x = child.PlanMemory(x, plan);
        return x;
    }

    protected override Tensor ForwardCore(Tensor x)
    {
        foreach (var (_, child) in _children) x = child.Forward(x);
        return x;
    }

    protected override Tensor? BackwardCore(Tensor dy, bool needInputGradient)
    {
        Tensor? gradient = dy;
        for (int i = _children.Count - 1; i >= 0; i--)
        {
            var child = _children[i].Module;
            bool needed = i == 0 ? needInputGradient : needInputGradient || AnyTrainableBefore(i);
            if (gradient is null)
            {
                child.ReleaseStep(); // nothing before this point learns and nobody wants dx
                continue;
            }
            var next = child.Backward(gradient, needed);
            if (!ReferenceEquals(gradient, dy)) Workspace.Return(gradient);
            gradient = next;
        }
        return gradient;
    }

    private bool AnyTrainableBefore(int index)
    {
        for (int i = 0; i < index; i++)
            if (_children[i].Module.HasTrainableParameters) return true;
        return false;
    }
}
