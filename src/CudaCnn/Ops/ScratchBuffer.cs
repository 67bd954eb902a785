using CudaCnn.Runtime;

namespace CudaCnn.Ops;

/// <summary>A device scratch buffer allocated on first need and replaced only when a call needs a different size,
/// so steady-state calls allocate nothing.</summary>
internal sealed class ScratchBuffer(IGpu gpu) : IDisposable
{
    private DeviceBuffer<float>? _buffer;

    public long Length => _buffer?.Length ?? 0;

    /// <summary>At least <paramref name="elements"/> long: grows, never shrinks.</summary>
    public DeviceBuffer<float> AtLeast(long elements) => Length >= elements && _buffer is not null ? _buffer : Replace(elements);

    /// <summary>Exactly <paramref name="elements"/> long, for launchers that check the exact length.</summary>
    public DeviceBuffer<float> Exactly(long elements) => Length == elements && _buffer is not null ? _buffer : Replace(elements);

    private DeviceBuffer<float> Replace(long elements)
    {
        Dispose();
        return _buffer = new DeviceBuffer<float>(gpu, Math.Max(elements, 1));
    }

    public void Dispose()
    {
        _buffer?.Dispose();
        _buffer = null;
    }
}
