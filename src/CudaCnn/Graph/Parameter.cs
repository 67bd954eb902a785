using CudaCnn.Runtime;

namespace CudaCnn.Graph;

/// <summary>How a parameter is initialized when its network is built (seeded, reproducible).</summary>
public enum ParameterInit
{
    Zeros,
    Ones,
    /// <summary>He/Kaiming normal for ReLU nets: N(0, 2 / fanIn).</summary>
    KaimingNormal,
    /// <summary>He/Kaiming uniform: U(-sqrt(6 / fanIn), +sqrt(6 / fanIn)).</summary>
    KaimingUniform,
    /// <summary>PyTorch's default for conv/linear weights and biases: U(-1/sqrt(fanIn), +1/sqrt(fanIn)).</summary>
    Uniform,
}

/// <summary>
/// A learnable tensor (or, with <see cref="IsBuffer"/>, saved state such as batch-norm running statistics). Declared
/// with its shape when the layer is constructed, so models can be counted without memory; allocated when the network
/// is built. Gradients accumulate (+=) until ZeroGrad. <see cref="RequiresGrad"/> = false freezes it.
/// </summary>
public sealed class Parameter(TensorShape shape, ParameterInit init, long fanIn, bool isBuffer = false)
{
    private Tensor? _value, _grad;

    public TensorShape Shape { get; } = shape;
    public ParameterInit Init { get; } = init;
    public long FanIn { get; } = fanIn;
    public bool IsBuffer { get; } = isBuffer;
    public bool RequiresGrad { get; set; } = !isBuffer;
    public bool IsAllocated => _value is not null;

    public Tensor Value => _value ?? throw new InvalidOperationException($"parameter {Shape} is not allocated: build the network first (Network.Build)");
    public Tensor Grad => _grad ?? throw new InvalidOperationException(IsBuffer
        ? $"buffer {Shape} has no gradient"
        : $"parameter {Shape} is not allocated: build the network first (Network.Build)");

    internal void Allocate(IGpu gpu, Random random)
    {
        if (_value is not null) throw new InvalidOperationException($"parameter {Shape} is already allocated (a module can belong to one network)");
        _value = Tensor.FromHost(gpu, Shape, Initial(random));
        if (!IsBuffer)
        {
            _grad = new Tensor(gpu, Shape);
            gpu.Fill32(_grad.Ptr, 0, Shape.Elements);
        }
    }

    internal void Free()
    {
        _value?.Dispose();
        _grad?.Dispose();
        (_value, _grad) = (null, null);
    }

    private float[] Initial(Random random)
    {
        var values = new float[Shape.Elements];
        double fan = Math.Max(1, FanIn);
        switch (Init)
        {
            case ParameterInit.Zeros: break;
            case ParameterInit.Ones: Array.Fill(values, 1f); break;
            case ParameterInit.KaimingNormal:
                double std = Math.Sqrt(2 / fan);
                for (int i = 0; i < values.Length; i++) values[i] = (float)(std * StandardNormal(random));
                break;
            case ParameterInit.KaimingUniform: FillUniform(values, Math.Sqrt(6 / fan), random); break;
            case ParameterInit.Uniform: FillUniform(values, 1 / Math.Sqrt(fan), random); break;
            default: throw new InvalidOperationException($"unknown init {Init}");
        }
        return values;
    }

    private static void FillUniform(float[] values, double bound, Random random)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)((2 * random.NextDouble() - 1) * bound);
    }

    /// <summary>Box-Muller.</summary>
    private static double StandardNormal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    public override string ToString() => $"Parameter{Shape}";
}
