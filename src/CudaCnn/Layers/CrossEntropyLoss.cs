using CudaCnn.Graph;
using CudaCnn.Runtime;

namespace CudaCnn.Layers;

/// <summary>
/// torch.nn.CrossEntropyLoss (mean reduction) on logits [N, C] and integer class labels. Labels are checked on the
/// host (range, count) before anything reaches the device. The loss stays on the device until <see cref="ReadLoss"/>.
/// </summary>
public sealed class CrossEntropyLoss(Network network) : IDisposable
{
    private readonly DeviceBuffer<float> _loss = new(network.Ops.Gpu, 1);
    private DeviceBuffer<int>? _labels;
    private int[] _hostLabels = [];
    private Tensor? _logits, _probs;

    public void Forward(Tensor logits, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Shape.Rank < 2 || logits.Shape.H * logits.Shape.W != 1)
            throw new ArgumentException($"CrossEntropyLoss.Forward: logits must be [N, classes], got {logits.Shape}", nameof(logits));
        int n = logits.Shape.N, classes = logits.Shape.C;
        if (labels.Length != n)
            throw new ArgumentException($"CrossEntropyLoss.Forward: {labels.Length} labels for a batch of {n} (logits: {logits.Shape})", nameof(labels));
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"CrossEntropyLoss.Forward: labels[{i}] = {labels[i]} is outside [0, {classes}) for logits {logits.Shape}");
        Release();
        if (_labels is null || _labels.Length != n)
        {
            _labels?.Dispose();
            _labels = new DeviceBuffer<int>(network.Ops.Gpu, n);
        }
        if (_hostLabels.Length != n) _hostLabels = new int[n];
        labels.CopyTo(_hostLabels);
        _labels.CopyFrom(labels);
        _logits = logits;
        _probs = network.Workspace.Rent(logits.Shape);
        network.Ops.CrossEntropyForward(logits, _labels, _probs, _loss);
    }

    /// <summary>dLoss/dLogits (caller-owned: return it to the network's workspace, or pass it to Network.Backward which does).</summary>
    public Tensor Backward()
    {
        if (_logits is null || _probs is null || _labels is null) throw new InvalidOperationException("CrossEntropyLoss.Backward without a Forward");
        var dLogits = network.Workspace.Rent(_logits.Shape);
        network.Ops.CrossEntropyBackward(_logits, _probs, _labels, dLogits);
        return dLogits;
    }

    /// <summary>The mean loss of the last Forward. Reads it back (synchronizes).</summary>
    public float ReadLoss() => _loss.ToArray()[0];

    /// <summary>How many rows of the last Forward had their label as the arg-max. Reads the probabilities back.</summary>
    public int CountCorrect()
    {
        if (_probs is null) throw new InvalidOperationException("CrossEntropyLoss.CountCorrect without a Forward");
        var p = _probs.ToArray();
        int classes = _probs.Shape.C, correct = 0;
        for (int n = 0; n < _hostLabels.Length; n++)
        {
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (p[n * classes + c] > p[n * classes + best]) best = c;
            if (best == _hostLabels[n]) correct++;
        }
        return correct;
    }

    private void Release()
    {
        if (_probs is not null) network.Workspace.Return(_probs);
        (_probs, _logits) = (null, null);
    }

    public void Dispose()
    {
        Release();
        _labels?.Dispose();
        _loss.Dispose();
    }
}
