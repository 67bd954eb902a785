using CudaCnn.Graph;
using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Layers;

/// <summary>Local response normalization across channels as torch.nn.LocalResponseNorm (cuDNN's alpha / n).</summary>
public sealed class LocalResponseNorm(int size, double alpha = 1e-4, double beta = 0.75, double k = 1.0) : Layer
{
    private Tensor? _scale;

    public LrnParams Params { get; } = new(size, alpha, beta, k);

    public override TensorShape InferShape(TensorShape x)
    {
        RequireNchw(x, nameof(LocalResponseNorm));
        return x;
    }

    internal override void PlanState(TensorShape x, TensorShape y, MemoryEstimate plan) => plan.AddActivation(x.Elements);

    protected override void Forward(Tensor x, Tensor y)
    {
        _scale = Workspace.Rent(x.Shape);
        Ops.LrnForward(x, Params, y, _scale);
    }

    protected override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) Ops.LrnBackward(dy, x, y, _scale!, Params, dx);
    }

    protected override void ReleaseState()
    {
        if (_scale is not null) Workspace.Return(_scale);
        _scale = null;
    }
}

/// <summary>Spatial batch normalization as torch.nn.BatchNorm2d: weight (gamma) and bias (beta) per channel, running
/// statistics as buffers; training uses batch statistics, evaluation the running ones.</summary>
public sealed class BatchNorm2d : Layer
{
    private Tensor? _saveMean, _saveInvStd;

    public BatchNorm2d(int numFeatures, double eps = 1e-5, double momentum = 0.1)
    {
        WindowGeometryChecks.Positive(numFeatures, nameof(numFeatures), nameof(BatchNorm2d));
        NumFeatures = numFeatures;
        Params = new BatchNormParams(eps, momentum);
        var shape = new TensorShape(numFeatures);
        Weight = new Parameter(shape, ParameterInit.Ones, 1);
        Bias = new Parameter(shape, ParameterInit.Zeros, 1);
        RunningMean = new Parameter(shape, ParameterInit.Zeros, 1, isBuffer: true);
        RunningVar = new Parameter(shape, ParameterInit.Ones, 1, isBuffer: true);
    }

    public int NumFeatures { get; }
    public BatchNormParams Params { get; }
    public Parameter Weight { get; }
    public Parameter Bias { get; }
    public Parameter RunningMean { get; }
    public Parameter RunningVar { get; }

    protected override IEnumerable<(string, Parameter)> OwnParameters =>
        [("weight", Weight), ("bias", Bias), ("running_mean", RunningMean), ("running_var", RunningVar)];

    public override TensorShape InferShape(TensorShape x)
    {
        RequireNchw(x, nameof(BatchNorm2d));
        if (x.C != NumFeatures)
            throw new ArgumentException($"BatchNorm2d.Forward: x has {x.C} channels, the layer expects {NumFeatures} (x: {x})", nameof(x));
        return x;
    }

    protected override void Forward(Tensor x, Tensor y)
    {
        if (!IsTraining)
        {
            Ops.BatchNormInferenceForward(x, Weight.Value, Bias.Value, RunningMean.Value, RunningVar.Value, Params, y);
            return;
        }
        _saveMean = Workspace.Rent(Weight.Shape);
        _saveInvStd = Workspace.Rent(Weight.Shape);
        Ops.BatchNormTrainingForward(x, Weight.Value, Bias.Value, RunningMean.Value, RunningVar.Value, Params, y, _saveMean, _saveInvStd);
    }

    protected override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (_saveMean is null || _saveInvStd is null)
            throw new InvalidOperationException($"{this}: the backward needs a training-mode forward (call Train())");
        // The ops write dx and accumulate dGamma/dBeta together; frozen or not, a scratch stands in for what is unused.
        var input = dx ?? Workspace.Rent(x.Shape);
        var dGamma = Weight.RequiresGrad ? Weight.Grad : Scratch();
        var dBeta = Bias.RequiresGrad ? Bias.Grad : Scratch();
        Ops.BatchNormBackward(dy, x, Weight.Value, _saveMean, _saveInvStd, input, dGamma, dBeta);
        if (dx is null) Workspace.Return(input);
        if (!Weight.RequiresGrad) Workspace.Return(dGamma);
        if (!Bias.RequiresGrad) Workspace.Return(dBeta);
    }

    protected override void ReleaseState()
    {
        if (_saveMean is not null) Workspace.Return(_saveMean);
        if (_saveInvStd is not null) Workspace.Return(_saveInvStd);
        (_saveMean, _saveInvStd) = (null, null);
    }

    private Tensor Scratch()
    {
        var t = Workspace.Rent(Weight.Shape);
        Ops.Fill(t, 0);
        return t;
    }
}

/// <summary>Inverted dropout as torch.nn.Dropout: in training each call draws a fresh counter-based mask; identity in
/// evaluation.</summary>
public sealed class Dropout : Layer
{
    private DropoutParams? _step; // one per layer, its offset advanced by each forward: a step allocates nothing

    public Dropout(float p = 0.5f)
    {
        _ = new DropoutParams(p, 0);
        P = p;
    }

    public float P { get; }

    public override TensorShape InferShape(TensorShape x) => x;

    protected override void Forward(Tensor x, Tensor y)
    {
        _step ??= new DropoutParams(P, Context.Seed);
        _step.Offset = Context.NextDropoutOffset(x.Elements);
        Ops.DropoutForward(x, _step, IsTraining, y);
    }

    protected override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) Ops.DropoutBackward(dy, _step!, IsTraining, dx);
    }
}

/// <summary>torch.nn.Flatten: [N, C, H, W] to [N, C*H*W] (a copy: tensors own their buffers).</summary>
public sealed class Flatten : Layer
{
    public override TensorShape InferShape(TensorShape x) => new(x.N, checked((int)(x.Elements / x.N)));

    protected override void Forward(Tensor x, Tensor y) => y.Buffer.CopyFrom(x.Buffer);

    protected override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) dx.Buffer.CopyFrom(dy.Buffer);
    }
}
