namespace CudaCnn.Ops;

/// <summary>How a sliding window's output length is rounded when (I + 2P - E) / S is not an integer
/// (E = dilation * (kernel - 1) + 1, the window's extent).</summary>
public enum OutputRounding
{
    /// <summary>floor((I + 2P - E) / S) + 1: trailing cells that no full window reaches are dropped (cuDNN, PyTorch).</summary>
    Floor,
    /// <summary>ceil((I + 2P - E) / S) + 1, minus one when the last window would start beyond the input and its left
    /// padding, i.e. when (out - 1) * S >= I + P (PyTorch's ceil_mode rule). Pooling only.</summary>
    Ceil,
    /// <summary>The lecture rule: (I + 2P - E) / S + 1 must be an integer, otherwise the geometry is an error.</summary>
    Exact,
}
