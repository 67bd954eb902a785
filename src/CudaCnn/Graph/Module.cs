using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Graph;

/// <summary>
/// A node of a network: a layer or a container of modules. Declared without a device (shapes only, so models can be
/// counted and checked without memory); a <see cref="Network"/> builds it on a backend.
/// Ownership: Forward's output belongs to the module and stays valid until its Backward returns or its next Forward;
/// Backward's input gradient belongs to the caller, which returns it to the workspace.
/// </summary>
public abstract class Module
{
    private GraphContext? _context;
    // Cached when the network is built, after which the structure is fixed, so that a training step walks arrays
    // instead of the allocating enumerators (Children, NamedAll); null before.
    private Module[]? _builtChildren;
    private Parameter[]? _builtParameters;

    public bool IsTraining { get; private set; } = true;

    /// <summary>Dotted path in the network ("layer1.0.conv1"), set when the network is built.</summary>
    public string Path { get; internal set; } = "";

    /// <summary>Sub-modules with their names, in the order their parameters are listed.</summary>
    public virtual IEnumerable<(string Name, Module Module)> Children => [];

    /// <summary>This module's own parameters and buffers (not its children's).</summary>
    protected virtual IEnumerable<(string Name, Parameter Parameter)> OwnParameters => [];

    protected GraphContext Context => _context ?? throw new InvalidOperationException(
        $"{GetType().Name} is not part of a built network: build it with Network.Build before Forward/Backward");

    protected IOps Ops => Context.Ops;
    protected Workspace Workspace => Context.Workspace;

    /// <summary>Output shape for an input shape, validated; throws <see cref="ArgumentException"/> with both shapes.</summary>
    public abstract TensorShape InferShape(TensorShape x);

    public Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return ForwardCore(x);
    }

    /// <summary>Backpropagates dy (the gradient of the loss with respect to the last Forward's output), accumulating
    /// parameter gradients; returns dx (caller-owned) or null when <paramref name="needInputGradient"/> is false.</summary>
    public Tensor? Backward(Tensor dy, bool needInputGradient = true)
    {
        ArgumentNullException.ThrowIfNull(dy);
        return BackwardCore(dy, needInputGradient);
    }

    protected abstract Tensor ForwardCore(Tensor x);
    protected abstract Tensor? BackwardCore(Tensor dy, bool needInputGradient);

    /// <summary>Returns what the last Forward kept for the backward to the workspace (when no backward follows).</summary>
    public virtual void ReleaseStep()
    {
        foreach (var child in ChildModules) child.ReleaseStep();
    }

    public void Train(bool mode = true)
    {
        IsTraining = mode;
        foreach (var child in ChildModules) child.Train(mode);
    }

    public void Eval() => Train(false);

    /// <summary>Trainable parameters with dotted names, e.g. "layer1.0.conv1.weight" (buffers excluded).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters() => NamedAll("").Where(p => !p.Parameter.IsBuffer);

    /// <summary>Saved, untrained state such as batch-norm running statistics ("bn1.running_mean").</summary>
    public IEnumerable<(string Name, Parameter Buffer)> NamedBuffers() => NamedAll("").Where(p => p.Parameter.IsBuffer);

    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Number of parameters, counted from the declared shapes (no memory is touched).</summary>
    public long ParameterCount() => Parameters().Sum(p => p.Shape.Elements);

    /// <summary>Freezes every parameter of this module (fine-tuning): no gradients, no optimizer updates.</summary>
    public void Freeze() => SetRequiresGrad(false);
    public void Unfreeze() => SetRequiresGrad(true);

    /// <summary>True when any parameter here or below still learns.</summary>
    public bool HasTrainableParameters
    {
        get
        {
            foreach (var p in ParameterList)
                if (p.RequiresGrad) return true;
            return false;
        }
    }

    /// <summary>The trainable parameters (frozen included, buffers excluded) here and below, as
    /// <see cref="Parameters"/> lists them; cached once the network is built.</summary>
    internal Parameter[] ParameterList => _builtParameters ?? [.. Parameters()];

    private Module[] ChildModules => _builtChildren ?? [.. Children.Select(c => c.Module)];

    public IEnumerable<Module> Descendants()
    {
        foreach (var (_, child) in Children)
        {
            yield return child;
            foreach (var d in child.Descendants()) yield return d;
        }
    }

    internal IEnumerable<(string Name, Parameter Parameter)> NamedAll(string prefix)
    {
        foreach (var (name, p) in OwnParameters) yield return (prefix + name, p);
        foreach (var (name, child) in Children)
            foreach (var item in child.NamedAll(prefix + name + ".")) yield return item;
    }

    internal virtual void Attach(GraphContext context, string path)
    {
        if (_context is not null && !ReferenceEquals(_context, context))
            throw new InvalidOperationException($"{GetType().Name} at '{path}' already belongs to another network");
        (_context, Path) = (context, path);
        foreach (var (name, child) in Children) child.Attach(context, path.Length == 0 ? name : $"{path}.{name}");
        _builtChildren = [.. Children.Select(c => c.Module)];
        _builtParameters = [.. Parameters()];
    }

    /// <summary>Adds what a training step of this module holds on the device to <paramref name="plan"/>; returns the
    /// output shape. Shapes must already be checked (<see cref="InferShape"/>).</summary>
    internal abstract TensorShape PlanMemory(TensorShape x, MemoryEstimate plan);

    /// <summary>Infers a child's shape, naming the child in the error.</summary>
    protected static TensorShape InferChild(string name, Module child, TensorShape x)
    {
        try
        {
            return child.InferShape(x);
        }
        catch (ShapeMismatchException e)
        {
            throw new ShapeMismatchException($"{name}.{e.Path}", e.Detail);
        }
        catch (ArgumentException e)
        {
            throw new ShapeMismatchException($"{name} ({child.GetType().Name})", e.Message);
        }
    }

    private void SetRequiresGrad(bool value)
    {
        foreach (var p in Parameters()) p.RequiresGrad = value;
    }

    public override string ToString() => Path.Length == 0 ? GetType().Name : $"{Path} ({GetType().Name})";
}
