using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Graph;

/// <summary>What every module of a built network shares: the backend's ops, the workspace arena, the dropout
/// stream and the optional NaN watch.</summary>
public sealed class GraphContext(IOps ops, Workspace workspace, ulong seed)
{
    private ulong _dropoutOffset;

    public IOps Ops { get; } = ops;
    public Workspace Workspace { get; } = workspace;
    public ulong Seed { get; } = seed;

    /// <summary>When set, every layer's output is read back and the first layer that produces a NaN or infinity
    /// throws <see cref="NonFiniteException"/> naming it. Synchronizes after every layer: a diagnostic, not for speed.</summary>
    public bool CheckFinite { get; set; }

    /// <summary>A fresh dropout mask for each call: advances the counter-based generator's offset by the tensor's size.</summary>
    public ulong NextDropoutOffset(long elements)
    {
        ulong offset = _dropoutOffset;
        _dropoutOffset += (ulong)elements;
        return offset;
    }

    internal void CheckOutput(Module module, Tensor x, Tensor y)
    {
        if (!CheckFinite || Ops.CountNonFinite(y) == 0) return;
        long inputBad = Ops.CountNonFinite(x);
        string why = inputBad > 0
            ? $"its input already held {inputBad} non-finite values (the network input is the first source)"
            : "its input was finite";
        throw new NonFiniteException(module.Path,
            $"{module.Path} ({module.GetType().Name}) produced the first NaN/infinity: {Ops.CountNonFinite(y)} of {y.Elements} outputs {y.Shape} are not finite; {why}");
    }
}

/// <summary>A NaN or infinity found by <see cref="GraphContext.CheckFinite"/>; <see cref="Layer"/> names the module.</summary>
public sealed class NonFiniteException(string layer, string message) : Exception(message)
{
    public string Layer { get; } = layer;
}

/// <summary>A shape that does not fit a layer, found when the network is built; <see cref="Path"/> names the layer.</summary>
public sealed class ShapeMismatchException(string path, string detail)
    : ArgumentException($"{path}: {detail}")
{
    public string Path { get; } = path;
    public string Detail { get; } = detail;
}
