using System.Globalization;
using CudaCnn.Runtime;

namespace CudaCnn.Graph;

/// <summary>
/// What one training step of a network holds on the device at its peak, estimated from shapes before anything is
/// allocated (<see cref="Network.EstimateMemory"/>). Parameters and buffers; per trainable parameter its gradient and
/// up to two optimizer moments (Adam); activations: every module's output and per-step state (max-pool argmax, LRN
/// scale, residual sums) kept until its backward, plus the three largest activation-sized gradients in flight during
/// the backward (a residual block holds its gradient while its main path runs); and on the kernel backends the
/// largest convolution workspace and the Winograd filter transforms KernelOps keeps per convolution.
/// </summary>
public sealed class MemoryEstimate
{
    private const int GradientsInFlight = 3;
    private long _activations, _largestActivation, _largestParameter, _workspace, _filters;

    internal MemoryEstimate(bool kernelBackend) => KernelBackend = kernelBackend;

    /// <summary>Whether the convolution workspace and filter transforms of KernelOps are counted.</summary>
    public bool KernelBackend { get; }
    public long ParameterBytes { get; private set; }
    public long GradientAndOptimizerBytes { get; private set; }
    public long ActivationBytes => (_activations + GradientsInFlight * _largestActivation) * sizeof(float);
    public long WorkspaceBytes => _workspace * sizeof(float);
    public long FilterTransformBytes => _filters * sizeof(float);
    public long TotalBytes => ParameterBytes + GradientAndOptimizerBytes + ActivationBytes + WorkspaceBytes + FilterTransformBytes;
    /// <summary>The largest single buffer: a parameter (or its gradient), an activation or the convolution workspace.</summary>
    public long LargestAllocationBytes => Math.Max(_largestParameter, Math.Max(_largestActivation, _workspace)) * sizeof(float);

    internal void AddParameter(Parameter p)
    {
        ParameterBytes += p.Shape.Elements * sizeof(float);
        _largestParameter = Math.Max(_largestParameter, p.Shape.Elements);
        if (!p.IsBuffer) GradientAndOptimizerBytes += 3 * p.Shape.Elements * sizeof(float);
    }

    /// <summary>A tensor kept from a module's forward until its backward (4-byte elements: floats or argmax ints).</summary>
    internal void AddActivation(long elements)
    {
        _activations += elements;
        _largestActivation = Math.Max(_largestActivation, elements);
    }

    /// <summary>One convolution's scratch (shared by all, so the largest counts) and its kept filter transforms.</summary>
    internal void AddConvolution(long workspaceElements, long filterElements)
    {
        if (!KernelBackend) return;
        _workspace = Math.Max(_workspace, workspaceElements);
        _filters += filterElements;
    }

    public override string ToString() =>
        $"{Mib(TotalBytes)} MiB = parameters {Mib(ParameterBytes)} + gradients and optimizer state {Mib(GradientAndOptimizerBytes)} + " +
        $"activations {Mib(ActivationBytes)}" +
        (KernelBackend ? $" + convolution workspace {Mib(WorkspaceBytes)} + Winograd filter transforms {Mib(FilterTransformBytes)}" : "");

    internal static string Mib(long bytes) => (bytes / 1048576.0).ToString("N0", CultureInfo.InvariantCulture);
}
