namespace CudaCnn.Runtime;

/// <summary>A contiguous float32 NCHW tensor in device memory. Owns its buffer; Dispose frees it.</summary>
public sealed class Tensor : IDisposable
{
    public Tensor(IGpu gpu, TensorShape shape)
    {
        Shape = shape;
        Buffer = new DeviceBuffer<float>(gpu, shape.Elements);
    }

    public TensorShape Shape { get; }
    public DeviceBuffer<float> Buffer { get; }
    public IGpu Gpu => Buffer.Gpu;
    public long Elements => Shape.Elements;
    public DevicePtr Ptr => Buffer.Ptr;

    /// <summary>Counts changes that caches of derived data (KernelOps' Winograd filter transforms) must notice. The
    /// ops that update tensors in place (optimizer steps, Copy, Fill, Axpy) and weight loading bump it; code that
    /// writes a weight through <see cref="Buffer"/> calls <see cref="MarkChanged"/>.</summary>
    public long Version { get; private set; }

    public void MarkChanged() => Version++;

    public static Tensor FromHost(IGpu gpu, TensorShape shape, ReadOnlySpan<float> values)
    {
        if (values.Length != shape.Elements)
            throw new ArgumentException($"shape {shape} holds {shape.Elements} elements, got {values.Length} values", nameof(values));
        var tensor = new Tensor(gpu, shape);
        tensor.Buffer.CopyFrom(values);
        return tensor;
    }

    public float[] ToArray() => Buffer.ToArray();
    public void Dispose() => Buffer.Dispose();
    public override string ToString() => $"Tensor{Shape}";
}
