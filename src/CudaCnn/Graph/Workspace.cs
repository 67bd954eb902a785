using CudaCnn.Runtime;

namespace CudaCnn.Graph;

/// <summary>
/// The arena a network's activations, gradients and per-step state come from. Released tensors go back to a free
/// list keyed by shape and are handed out again, so after the first step a training loop allocates nothing and the
/// device's live-allocation count stays put. Disposing the workspace frees everything it ever handed out.
/// </summary>
public sealed class Workspace(IGpu gpu) : IDisposable
{
    private readonly Dictionary<TensorShape, Stack<Tensor>> _free = [];
    private readonly Dictionary<long, Stack<DeviceBuffer<int>>> _freeInts = [];
    private readonly List<IDisposable> _all = [];

    public IGpu Gpu => gpu;

    /// <summary>Number of device buffers this workspace owns (rented and free).</summary>
    public int Allocated => _all.Count;

    public Tensor Rent(TensorShape shape)
    {
        if (_free.TryGetValue(shape, out var stack) && stack.Count > 0) return stack.Pop();
        var tensor = new Tensor(gpu, shape);
        _all.Add(tensor);
        return tensor;
    }

    public void Return(Tensor tensor)
    {
        if (!_free.TryGetValue(tensor.Shape, out var stack)) _free[tensor.Shape] = stack = new Stack<Tensor>();
        // A tensor returned twice would be handed to two owners at once: fail where the bug is, not where it shows.
        if (stack.Contains(tensor)) throw new InvalidOperationException($"{tensor} was returned to the workspace twice");
        stack.Push(tensor);
    }

    public DeviceBuffer<int> RentInts(long length)
    {
        if (_freeInts.TryGetValue(length, out var stack) && stack.Count > 0) return stack.Pop();
        var buffer = new DeviceBuffer<int>(gpu, length);
        _all.Add(buffer);
        return buffer;
    }

    public void Return(DeviceBuffer<int> buffer)
    {
        if (!_freeInts.TryGetValue(buffer.Length, out var stack)) _freeInts[buffer.Length] = stack = new Stack<DeviceBuffer<int>>();
        if (stack.Contains(buffer)) throw new InvalidOperationException($"an int buffer of {buffer.Length} was returned to the workspace twice");
        stack.Push(buffer);
    }

    public void Dispose()
    {
        foreach (var item in _all) item.Dispose();
        _all.Clear();
        _free.Clear();
        _freeInts.Clear();
    }
}
