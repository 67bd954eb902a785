using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Graph;

/// <summary>
/// A model built on one backend: shapes inferred and checked once, parameters allocated and initialized (seeded),
/// activations and gradients drawn from one workspace arena. Forward and backward run the modules in order and
/// never read a value back unless asked (<see cref="CheckFinite"/>, the loss).
/// </summary>
public sealed class Network : IDisposable
{
    private Network(Module model, IOps ops, TensorShape inputShape, TensorShape outputShape, ulong seed)
    {
        (Model, Ops, InputShape, OutputShape) = (model, ops, inputShape, outputShape);
        Workspace = new Workspace(ops.Gpu);
        Context = new GraphContext(ops, Workspace, seed);
    }

    public Module Model { get; }
    public IOps Ops { get; }
    public Workspace Workspace { get; }
    public GraphContext Context { get; }
    /// <summary>The input shape the network was built for; Forward accepts any batch size N with the same C, H, W.</summary>
    public TensorShape InputShape { get; }
    public TensorShape OutputShape { get; }

    /// <summary>Reads every layer's output back and names the first layer that produces a NaN or infinity.</summary>
    public bool CheckFinite
    {
        get => Context.CheckFinite;
        set => Context.CheckFinite = value;
    }

    /// <summary>Infers and checks every shape, checks that parameters, gradients and optimizer state fit the
    /// device, then allocates and initializes the parameters (seeded by <paramref name="seed"/>).</summary>
    public static Network Build(Module model, IOps ops, TensorShape inputShape, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ops);
        var outputShape = InferModel(model, inputShape);
        CheckFitsDevice(model, EstimateMemory(model, inputShape, kernelBackend: ops is KernelOps), ops.Gpu, inputShape);
        var network = new Network(model, ops, inputShape, outputShape, seed);
        try
        {
            model.Attach(network.Context, "");
            var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
            foreach (var (_, p) in model.NamedAll("")) p.Allocate(ops.Gpu, random);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return network;
    }

    /// <summary>The model's output shape for an input shape, with the offending layer named on error.</summary>
    public static TensorShape InferModel(Module model, TensorShape inputShape)
    {
        try
        {
            return model.InferShape(inputShape);
        }
        catch (ShapeMismatchException)
        {
            throw;
        }
        catch (ArgumentException e)
        {
            throw new ShapeMismatchException(model.GetType().Name, e.Message);
        }
    }

    /// <summary>A caller-owned input tensor on this network's device.</summary>
    public Tensor CreateInput(TensorShape shape, ReadOnlySpan<float> values)
    {
        RequireInputShape(shape, "CreateInput");
        return Tensor.FromHost(Ops.Gpu, shape, values);
    }

    /// <summary>The logits (owned by the network, valid until the next Forward or Backward).</summary>
    public Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!ReferenceEquals(x.Gpu, Ops.Gpu))
            throw new ArgumentException($"Network.Forward: x lives on {x.Gpu.Info.Name}, the network on {Ops.Gpu.Info.Name} ({Ops.Backend})", nameof(x));
        RequireInputShape(x.Shape, "Forward");
        if (CheckFinite && Ops.CountNonFinite(x) is var bad and > 0)
            throw new NonFiniteException("input", $"Network.Forward: the input holds {bad} NaN/infinite values of {x.Elements} (x: {x.Shape})");
        return Model.Forward(x);
    }

    /// <summary>Backpropagates dLoss/dOutput through the model, accumulating parameter gradients. Takes ownership of
    /// <paramref name="dOutput"/> (it goes back to the workspace); the input gradient is not computed.</summary>
    public void Backward(Tensor dOutput)
    {
        var dx = Model.Backward(dOutput, needInputGradient: false);
        if (dx is not null) Workspace.Return(dx);
        Workspace.Return(dOutput);
    }

    /// <summary>Sets every trainable parameter's gradient to zero (gradients accumulate until then).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Model.ParameterList)
            if (p.RequiresGrad) Ops.Fill(p.Grad, 0f);
    }

    public void Train() => Model.Train();
    public void Eval() => Model.Eval();

    public void Save(string path) => WeightFile.Save(path, Model);
    public void Load(string path) => WeightFile.Load(path, Model);

    public void Dispose()
    {
        Model.ReleaseStep();
        foreach (var (_, p) in Model.NamedAll("")) p.Free();
        Workspace.Dispose();
    }

    private void RequireInputShape(TensorShape shape, string what)
    {
        if (shape.Rank != InputShape.Rank || shape.C != InputShape.C || shape.H != InputShape.H || shape.W != InputShape.W)
            throw new ArgumentException(
                $"Network.{what}: x is {shape}, the network was built for [N,{string.Join(",", InputShape.ToArray().Skip(1))}] (any batch size N)", "x");
    }

    /// <summary>What a training step of <paramref name="model"/> at <paramref name="inputShape"/> holds on the device
    /// at its peak (see <see cref="MemoryEstimate"/>); <paramref name="kernelBackend"/> adds KernelOps' convolution
    /// scratch and filter transforms. Shapes are checked first.</summary>
    public static MemoryEstimate EstimateMemory(Module model, TensorShape inputShape, bool kernelBackend)
    {
        ArgumentNullException.ThrowIfNull(model);
        InferModel(model, inputShape);
        var plan = new MemoryEstimate(kernelBackend);
        foreach (var (_, p) in model.NamedAll("")) plan.AddParameter(p);
        plan.AddActivation(inputShape.Elements);
        model.PlanMemory(inputShape, plan);
        return plan;
    }

    /// <summary>The step's estimated peak must fit the device's memory, and its largest buffer one allocation; the
    /// error names every part.</summary>
    private static void CheckFitsDevice(Module model, MemoryEstimate needed, IGpu gpu, TensorShape inputShape)
    {
        long available = gpu.Info.TotalMemoryBytes;
        if (needed.TotalBytes > available)
            throw new InsufficientMemoryException(
                $"{model.GetType().Name} ({model.ParameterCount():N0} parameters) at input {inputShape} needs about {needed} for a training step, " +
                $"more than the {MemoryEstimate.Mib(available)} MiB of {gpu.Info.Name}");
        if (needed.LargestAllocationBytes > gpu.Info.MaxAllocationBytes)
            throw new InsufficientMemoryException(
                $"{model.GetType().Name} at input {inputShape} needs a single buffer of {needed.LargestAllocationBytes} bytes " +
                $"(largest of parameters, activations and convolution workspace); the largest single allocation of {gpu.Info.Name} is {gpu.Info.MaxAllocationBytes} bytes");
    }
}
