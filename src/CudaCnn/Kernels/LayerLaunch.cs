using System.Runtime.CompilerServices;
using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>
/// What the layer kernel launchers share on top of <see cref="LaunchChecks"/>: checks of tensors and of buffers of
/// any element type that run before any device call (null, disposed, wrong device, wrong length or shape, each
/// message naming the operation, the argument, expected and actual values), kernel resolution, grid-stride geometry.
/// </summary>
internal sealed class LayerLaunch(KernelLibrary library, string fileName)
{
    public KernelLibrary Library { get; } = library ?? throw new ArgumentNullException(nameof(library));
    public IGpu Gpu => Library.Gpu;

    /// <summary>The kernel of this launcher's file, resolved once into <paramref name="slot"/>.</summary>
    public GpuKernel Kernel(ref GpuKernel? slot, string name) => slot ??= Library.Kernel(fileName, name);

    /// <summary>A 1-D grid of <paramref name="block"/>-thread blocks covering <paramref name="items"/> work items,
    /// capped at one wave of resident blocks (the kernels loop over the rest).</summary>
    public LaunchConfig GridStride(long items, uint block) => LaunchChecks.GridStride(Gpu, items, block);

    /// <summary>Checks a buffer: not null, not disposed, on this library's device, exactly <paramref name="length"/>
    /// elements.</summary>
    public void Buffer<T>(string op, DeviceBuffer<T>? buffer, string name, long length) where T : unmanaged
    {
        Device(op, buffer, name);
        if (buffer!.Length != length)
            throw new ArgumentException($"{op}: {name} has {buffer.Length} elements, expected {length}", name);
    }

    /// <summary>Checks a tensor: not null, not disposed, on this library's device, of shape <paramref name="expected"/>
    /// (<paramref name="because"/> says where the expectation comes from, e.g. "x: [2,3,8,8]"; formatted only on a mismatch).</summary>
    public void Tensor(string op, Tensor? tensor, string name, TensorShape expected,
        [InterpolatedStringHandlerArgument("tensor", "expected")] ref ShapeMismatchReason because)
    {
        Device(op, tensor?.Buffer, name);
        if (tensor!.Shape != expected)
        {
            string reason = because.ToString();
            throw new ArgumentException($"{op}: {name} has shape {tensor.Shape}, expected {expected} ({reason})", name);
        }
    }

    /// <summary>Checks a tensor is usable and NCHW (rank 4); returns its shape.</summary>
    public TensorShape Nchw(string op, Tensor? tensor, string name)
    {
        Device(op, tensor?.Buffer, name);
        if (tensor!.Shape.Rank != 4)
            throw new ArgumentException($"{op}: {name} must be NCHW (rank 4), got {tensor.Shape}", name);
        return tensor.Shape;
    }

    /// <summary>Checks a tensor is usable and has a channel axis ([N, C] or [N, C, H, W]; C is axis 1, H*W is 1 for
    /// rank 2); returns its shape.</summary>
    public TensorShape WithChannels(string op, Tensor? tensor, string name)
    {
        Device(op, tensor?.Buffer, name);
        if (tensor!.Shape.Rank < 2)
            throw new ArgumentException($"{op}: {name} needs a channel axis ([N, C] or [N, C, H, W]), got {tensor.Shape}", name);
        return tensor.Shape;
    }

    /// <summary>Not null, not disposed, allocated on this library's device.</summary>
    public void Device<T>(string op, DeviceBuffer<T>? buffer, string name) where T : unmanaged
    {
        if (buffer is null) throw new ArgumentNullException(name, $"{op}: {name} is null");
        if (!ReferenceEquals(buffer.Gpu, Gpu))
            throw new ArgumentException(
                $"{op}: {name} lives on {buffer.Gpu.Info.Name} ({buffer.Gpu.Info.Backend}), these kernels on {Gpu.Info.Name} ({Gpu.Info.Backend})",
                name);
        _ = buffer.Ptr; // throws ObjectDisposedException for a disposed buffer, before any launch
    }

    /// <summary>Whether every pointer is 16-byte aligned (float4 accesses).</summary>
    public static bool Aligned16(params ReadOnlySpan<DevicePtr> pointers)
    {
        foreach (var p in pointers)
            if (p.Address % 16 != 0) return false;
        return true;
    }
}
