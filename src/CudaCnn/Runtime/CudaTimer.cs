using CudaCnn.Native;

namespace CudaCnn.Runtime;

/// <summary>Two CUDA events recorded on the GPU's stream; the elapsed time is measured by the device.</summary>
internal sealed class CudaTimer : IGpuTimer
{
    private readonly CudaGpu _gpu;
    private nint _start;
    private nint _stop;
    private bool _started;
    private bool _stopped;

    public CudaTimer(CudaGpu gpu)
    {
        _gpu = gpu;
        CudaDriver.Check(CudaDriver.EventCreate(out _start, CudaFlags.EventDefault), "cuEventCreate");
        CUresult second = CudaDriver.EventCreate(out _stop, CudaFlags.EventDefault);
        if (second != CUresult.CUDA_SUCCESS)
        {
            CudaDriver.EventDestroy(_start);
            throw CudaException.FromDriver("cuEventCreate", second);
        }
    }

    public void Start()
    {
        Record(_start);
        _started = true;
        _stopped = false;
    }

    public void Stop()
    {
        if (!_started) throw new InvalidOperationException("Stop was called before Start");
        Record(_stop);
        _stopped = true;
    }

    public float ElapsedMilliseconds
    {
        get
        {
            if (!_stopped) throw new InvalidOperationException(_started ? "Stop has not been called since Start" : "the timer was never started");
            _gpu.MakeCurrent();
            CudaDriver.Check(CudaDriver.EventSynchronize(_stop), "cuEventSynchronize");
            CudaDriver.Check(CudaDriver.EventElapsedTime(out float milliseconds, _start, _stop), "cuEventElapsedTime");
            return milliseconds;
        }
    }

    public void Dispose()
    {
        if (_start == 0) return;
        _gpu.MakeCurrent();
        nint start = _start, stop = _stop;
        _start = _stop = 0;
        _gpu.Forget(this);
        CudaDriver.Check(CudaDriver.EventDestroy(start), "cuEventDestroy_v2");
        CudaDriver.Check(CudaDriver.EventDestroy(stop), "cuEventDestroy_v2");
    }

    private void Record(nint evt)
    {
        ObjectDisposedException.ThrowIf(_start == 0, this);
        _gpu.MakeCurrent();
        CudaDriver.Check(CudaDriver.EventRecord(evt, _gpu.Stream), "cuEventRecord");
    }
}
