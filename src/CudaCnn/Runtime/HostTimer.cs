using System.Diagnostics;

namespace CudaCnn.Runtime;

/// <summary>A host wall-clock timer: the clock of devices that run on the host (the CPU reference, the software GPU)
/// and of costs that are on the host (the dry-run device runs nothing).</summary>
public sealed class HostTimer : IGpuTimer
{
    private long _start, _stop;
    public void Start() => _start = Stopwatch.GetTimestamp();
    public void Stop() => _stop = Stopwatch.GetTimestamp();
    public float ElapsedMilliseconds => (float)Stopwatch.GetElapsedTime(_start, _stop).TotalMilliseconds;
    public void Dispose() { }
}
