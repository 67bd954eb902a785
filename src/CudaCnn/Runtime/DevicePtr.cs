namespace CudaCnn.Runtime;

/// <summary>A device address. Zero is the null pointer. Arithmetic is in bytes.</summary>
public readonly record struct DevicePtr(ulong Address)
{
    public static readonly DevicePtr Null = default;
    public bool IsNull => Address == 0;
    public DevicePtr Offset(long bytes) => new(unchecked(Address + (ulong)bytes));
    public override string ToString() => $"0x{Address:x}";
}
