using CudaCnn.Runtime;

namespace CudaCnn.Graph;

/// <summary>
/// y = after(main(x) + shortcut(x)), the residual block of ResNet: the shortcut is the identity or a projection
/// (1x1 conv + BN, "downsample"), <c>after</c> is usually ReLU. The main path's modules are named directly in the
/// block (conv1, bn1, ...) as in torchvision, so names read "layer1.0.conv1.weight".
/// </summary>
public sealed class Residual : Module
{
    private readonly Sequential _main;
    private readonly Module? _shortcut;
    private readonly Module? _after;
    private Tensor? _sum;

    public Residual(IEnumerable<(string Name, Module Module)> main, Module? downsample = null, Module? after = null)
    {
        _main = new Sequential(main.ToArray());
        (_shortcut, _after) = (downsample, after);
    }

    public override IEnumerable<(string Name, Module Module)> Children
    {
        get
        {
            foreach (var child in _main.Children) yield return child;
            if (_shortcut is not null) yield return ("downsample", _shortcut);
            if (_after is not null) yield return ("after", _after);
        }
    }

    public override TensorShape InferShape(TensorShape x)
    {
        var main = _main.InferShape(x);
        var shortcut = _shortcut is null ? x : InferChild("downsample", _shortcut, x);
        if (main != shortcut)
            throw new ArgumentException($"Residual: the main path gives {main} but the shortcut gives {shortcut} (x: {x}); add a downsample projection", nameof(x));
        return _after is null ? main : InferChild("after", _after, main);
    }

    internal override TensorShape PlanMemory(TensorShape x, MemoryEstimate plan)
    {
        var sum = _main.PlanMemory(x, plan);
        _shortcut?.PlanMemory(x, plan);
        plan.AddActivation(sum.Elements);
        return _after?.PlanMemory(sum, plan) ?? sum;
    }

    protected override Tensor ForwardCore(Tensor x)
    {
        ReleaseSum();
        var main = _main.Forward(x);
        var shortcut = _shortcut?.Forward(x) ?? x;
        _sum = Workspace.Rent(main.Shape);
        Ops.Add(main, shortcut, _sum);
        return _after?.Forward(_sum) ?? _sum;
    }

    protected override Tensor? BackwardCore(Tensor dy, bool needInputGradient)
    {
        var dSum = _after is null ? dy : _after.Backward(dy)!;
        var dx = _main.Backward(dSum, needInputGradient);
        if (_shortcut is null)
        {
            if (dx is not null) Ops.Axpy(1f, dSum, dx);
        }
        else
        {
            var dShortcut = _shortcut.Backward(dSum, needInputGradient);
            if (dx is not null && dShortcut is not null) Ops.Axpy(1f, dShortcut, dx);
            if (dShortcut is not null) Workspace.Return(dShortcut);
        }
        if (!ReferenceEquals(dSum, dy)) Workspace.Return(dSum);
        ReleaseSum();
        return dx;
    }

    public override void ReleaseStep()
    {
        base.ReleaseStep();
        ReleaseSum();
    }

    private void ReleaseSum()
    {
        if (_sum is not null) Workspace.Return(_sum);
        _sum = null;
    }

    /// <summary>The main path's Sequential is not a named child (its modules are), so it joins the network here.</summary>
    internal override void Attach(GraphContext context, string path)
    {
        base.Attach(context, path);
        _main.Attach(context, path);
    }
}

/// <summary>Branches applied to the same input, outputs concatenated along channels (an Inception-style block).</summary>
public sealed class Concat(params Module[] branches) : Module
{
    private Tensor? _output;
    private readonly Module[] _branches = branches.Length > 0 ? branches
        : throw new ArgumentException("Concat: at least one branch is required", nameof(branches));
    // Per-branch slots kept across steps, so a step allocates nothing.
    private readonly Tensor[] _parts = new Tensor[branches.Length];
    private readonly Tensor[] _partGradients = new Tensor[branches.Length];
    private readonly TensorShape[] _partShapes = new TensorShape[branches.Length];

    public override IEnumerable<(string Name, Module Module)> Children =>
        _branches.Select((b, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), b));

    public override TensorShape InferShape(TensorShape x)
    {
        var shapes = Children.Select(c => InferChild(c.Name, c.Module, x)).ToArray();
        var first = shapes[0];
        foreach (var s in shapes)
            if (s.Rank != 4 || s.N != first.N || s.H != first.H || s.W != first.W)
                throw new ArgumentException($"Concat: branch outputs must agree except in channels, got {string.Join(", ", shapes)}", nameof(x));
        return new TensorShape(first.N, shapes.Sum(s => s.C), first.H, first.W);
    }

    internal override TensorShape PlanMemory(TensorShape x, MemoryEstimate plan)
    {
        foreach (var branch in _branches) branch.PlanMemory(x, plan);
        var y = InferShape(x);
        plan.AddActivation(y.Elements);
        return y;
    }

    protected override Tensor ForwardCore(Tensor x)
    {
        ReleaseOutput();
        int channels = 0;
        for (int i = 0; i < _branches.Length; i++)
        {
            _parts[i] = _branches[i].Forward(x);
            _partShapes[i] = _parts[i].Shape;
            channels += _partShapes[i].C;
        }
        _output = Workspace.Rent(new TensorShape(x.Shape.N, channels, _partShapes[0].H, _partShapes[0].W));
        Ops.ConcatForward(_parts, _output);
        return _output;
    }

    protected override Tensor? BackwardCore(Tensor dy, bool needInputGradient)
    {
        var dParts = _partGradients;
        for (int i = 0; i < dParts.Length; i++) dParts[i] = Workspace.Rent(_partShapes[i]);
        Ops.ConcatBackward(dy, dParts);
        Tensor? dx = null;
        for (int i = 0; i < _branches.Length; i++)
        {
            var d = _branches[i].Backward(dParts[i], needInputGradient);
            Workspace.Return(dParts[i]);
            if (d is null) continue;
            if (dx is null) dx = d;
            else
            {
                Ops.Axpy(1f, d, dx);
                Workspace.Return(d);
            }
        }
        ReleaseOutput();
        return dx;
    }

    public override void ReleaseStep()
    {
        base.ReleaseStep();
        ReleaseOutput();
    }

    private void ReleaseOutput()
    {
        if (_output is not null) Workspace.Return(_output);
        _output = null;
    }
}
