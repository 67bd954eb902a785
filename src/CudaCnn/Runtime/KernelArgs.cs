using System.Runtime.CompilerServices;

namespace CudaCnn.Runtime;

/// <summary>
/// Kernel arguments packed by value: one 8-byte slot per argument plus its size in bytes (4 or 8), in
/// declaration order. A value type with inline storage, so building and passing it allocates and boxes nothing.
/// </summary>
[SkipLocalsInit]
public struct KernelArgs
{
    public const int MaxCount = 24;

    [InlineArray(MaxCount)]
    private struct Slots { private ulong _element; }

    [InlineArray(MaxCount)]
    private struct Sizes { private byte _element; }

    private Slots _slots;
    private Sizes _sizes;
    private int _count;

    public readonly int Count => _count;

    public void Add(DevicePtr value) => Push(value.Address, 8);
    public void Add<T>(DeviceBuffer<T> buffer) where T : unmanaged => Push(buffer.Ptr.Address, 8);
    public void Add(long value) => Push(unchecked((ulong)value), 8);
    public void Add(ulong value) => Push(value, 8);
    public void Add(int value) => Push(unchecked((uint)value), 4);
    public void Add(uint value) => Push(value, 4);
    public void Add(float value) => Push(BitConverter.SingleToUInt32Bits(value), 4);

    /// <summary>The raw bits of argument <paramref name="index"/> (zero-extended to 64 bits).</summary>
    public readonly ulong Bits(int index)
    {
        CheckIndex(index);
        return _slots[index];
    }

    /// <summary>The size in bytes of argument <paramref name="index"/> as the kernel will read it.</summary>
    public readonly int Size(int index)
    {
        CheckIndex(index);
        return _sizes[index];
    }

    private void Push(ulong bits, byte size)
    {
        if (_count == MaxCount)
            throw new InvalidOperationException($"A kernel launch takes at most {MaxCount} arguments.");
        _slots[_count] = bits;
        _sizes[_count] = size;
        _count++;
    }

    private readonly void CheckIndex(int index)
    {
        if ((uint)index >= (uint)_count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"expected an argument index in [0, {_count})");
    }
}
