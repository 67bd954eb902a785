namespace CudaCnn.Sim.Memory;

/// <summary>One device allocation: its address range, backing bytes and (for initcheck) a written-byte map.</summary>
internal sealed class Allocation(ulong baseAddress, long size, string label)
{
    public ulong Base { get; } = baseAddress;
    public long Size { get; } = size;
    public ulong End => Base + (ulong)Size;
    public string Label { get; } = label;
    /// <summary>Backing store, padded to a multiple of 8 bytes so 64-bit atomics never run off the end.</summary>
    public byte[] Data { get; } = new byte[(size + 7) & ~7L];
    /// <summary>One flag per byte, set when the byte is written (only kept when initcheck is on).</summary>
    public bool[]? Written { get; set; }

    public bool Contains(ulong address) => address >= Base && address < End;

    public override string ToString() => $"{Label} at 0x{Base:x} ({Size} bytes)";
}
