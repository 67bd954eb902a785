using CudaCnn.Kernels;
using CudaCnn.Runtime;

namespace CudaCnn.Ops;

/// <summary>
/// Winograd filter transforms kept per weight tensor, algorithm and direction, and recomputed only when the weight's
/// <see cref="Tensor.Version"/> has moved since: evaluation and frozen layers transform each filter once, training
/// once per update. Entries of weights that have been freed are dropped when a new entry is made, and all with the cache.
/// </summary>
internal sealed class WinogradFilterCache(ConvolutionKernels conv) : IDisposable
{
    private readonly Dictionary<(Tensor Weight, ConvAlgorithm Algorithm, ConvDirection Direction), Entry> _entries = [];

    public int Count => _entries.Count;

    public WinogradFilter For(Tensor weight, ConvAlgorithm algorithm, ConvDirection direction)
    {
        var key = (weight, algorithm, direction);
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.Version != weight.Version)
            {
                conv.RefreshFilter(entry.Filter, weight);
                entry.Version = weight.Version;
            }
            return entry.Filter;
        }
        DropFreedWeights();
        var filter = conv.TransformFilter(weight, algorithm, direction);
        _entries[key] = new Entry(filter, weight.Version);
        return filter;
    }

    public void Dispose()
    {
        foreach (var entry in _entries.Values) entry.Filter.Dispose();
        _entries.Clear();
    }

    private void DropFreedWeights()
    {
        foreach (var key in _entries.Keys.Where(k => k.Weight.Buffer.IsDisposed).ToList())
        {
            _entries[key].Filter.Dispose();
            _entries.Remove(key);
        }
    }

    private sealed class Entry(WinogradFilter filter, long version)
    {
        public WinogradFilter Filter { get; } = filter;
        public long Version { get; set; } = version;
    }
}
