using CudaCnn.Runtime;

namespace CudaCnn.Oracle;

/// <summary>
/// The checks every wrapper runs before a native call: each tensor present, on the wrapper's device, and of the
/// expected shape. Messages name the op, the argument, what was expected and what was given.
/// </summary>
internal static class OracleValidation
{
    public static void On(string op, IGpu device, Tensor? tensor, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (!ReferenceEquals(tensor.Gpu, device))
            throw new ArgumentException($"{op}: {name} must live on {device.Info.Name} ({device.Info.Backend}), the device of the handle; it lives on {tensor.Gpu.Info.Name} ({tensor.Gpu.Info.Backend})", name);
    }

    public static void Shape(string op, IGpu device, Tensor? tensor, string name, TensorShape expected, string why)
    {
        On(op, device, tensor, name);
        if (tensor!.Shape != expected)
            throw new ArgumentException($"{op}: {name} must be {expected} ({why}), got {tensor.Shape}", name);
    }

    public static void Rank4(string op, IGpu device, Tensor? tensor, string name)
    {
        On(op, device, tensor, name);
        if (tensor!.Shape.Rank != 4)
            throw new ArgumentException($"{op}: {name} must be NCHW (rank 4), got {tensor.Shape}", name);
    }

    /// <summary>A per-channel vector of <paramref name="channels"/> elements (any rank).</summary>
    public static void Channels(string op, IGpu device, Tensor? tensor, string name, int channels, string why)
    {
        On(op, device, tensor, name);
        if (tensor!.Elements != channels)
            throw new ArgumentException($"{op}: {name} must hold {channels} elements ({why}), got {tensor.Shape}", name);
    }

    public static void Buffer<T>(string op, IGpu device, DeviceBuffer<T>? buffer, string name, long minimum, string why) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (!ReferenceEquals(buffer.Gpu, device))
            throw new ArgumentException($"{op}: {name} must live on {device.Info.Name} ({device.Info.Backend}), the device of the handle; it lives on {buffer.Gpu.Info.Name} ({buffer.Gpu.Info.Backend})", name);
        if (buffer.Length < minimum)
            throw new ArgumentException($"{op}: {name} must hold at least {minimum} elements ({why}), got {buffer.Length}", name);
    }
}
