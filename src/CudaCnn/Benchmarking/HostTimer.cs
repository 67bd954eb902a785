using System.Diagnostics;
using CudaCnn.Runtime;

namespace CudaCnn.Benchmarking;

/// <summary>A host wall-clock timer, for cases whose cost is on the host (the dry-run device runs nothing).</summary>
public sealed class HostTimer : IGpuTimer
{
    private readonly Stopwatch _watch = new();
    public void Start() => _watch.Restart();
    public void Stop() => _watch.Stop();
    public float ElapsedMilliseconds => (float)_watch.Elapsed.TotalMilliseconds;
    public void Dispose() { }
}
