namespace CudaCnn.Sim.Memory;

/// <summary>
/// The device's global memory: allocations sorted by address with guard gaps between them. Lookups during a
/// launch are lock-free (the allocation list only changes between launches, under the lock).
/// </summary>
internal sealed class GlobalMemory
{
    private readonly object _lock = new();
    private Allocation[] _sorted = [];
    private ulong _next = AddressMap.GlobalBase;

    public int LiveCount => _sorted.Count(a => !a.Label.StartsWith("module:", StringComparison.Ordinal));

    public bool TrackWrites { get; set; }

    /// <summary>Bytes of all live allocations (module variables included).</summary>
    public long LiveBytes { get; private set; }

    public Allocation Allocate(long bytes, string label)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_lock)
        {
            var a = new Allocation(_next, bytes, label);
            if (TrackWrites) a.Written = new bool[bytes];
            ulong span = ((ulong)Math.Max(bytes, 1) + AddressMap.AllocationAlignment - 1) & ~(AddressMap.AllocationAlignment - 1);
            _next += span + AddressMap.GuardBytes;
            var list = new List<Allocation>(_sorted) { a };
            _sorted = list.ToArray();
            LiveBytes += bytes;
            return a;
        }
    }

    public void Free(ulong address)
    {
        lock (_lock)
        {
            int i = Array.FindIndex(_sorted, a => a.Base == address);
            if (i < 0)
                throw new ArgumentException($"0x{address:x} is not the start of a live device allocation", nameof(address));
            LiveBytes -= _sorted[i].Size;
            var list = new List<Allocation>(_sorted);
            list.RemoveAt(i);
            _sorted = list.ToArray();
        }
    }

    /// <summary>The allocation containing <paramref name="address"/>, or null.</summary>
    public Allocation? Find(ulong address)
    {
        var arr = _sorted;
        int lo = 0, hi = arr.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            var a = arr[mid];
            if (address < a.Base) hi = mid - 1;
            else if (address >= a.End) lo = mid + 1;
            else return a;
        }
        return null;
    }

    /// <summary>The allocation whose range is closest to <paramref name="address"/> (for reports), or null.</summary>
    public Allocation? Nearest(ulong address)
    {
        Allocation? best = null;
        ulong bestDist = ulong.MaxValue;
        foreach (var a in _sorted)
        {
            ulong d = address < a.Base ? a.Base - address : address >= a.End ? address - a.End + 1 : 0;
            if (d < bestDist) { bestDist = d; best = a; }
        }
        return best;
    }

    /// <summary>Host access to a byte range that must lie in one allocation.</summary>
    public Span<byte> Span(ulong address, long bytes, string argument, bool markWritten)
    {
        var a = Find(address) ?? throw new ArgumentException($"0x{address:x} is not inside a live device allocation", argument);
        ulong off = address - a.Base;
        if (bytes < 0 || off + (ulong)bytes > (ulong)a.Size)
            throw new ArgumentOutOfRangeException(argument, $"{bytes} bytes at offset {off} exceed the allocation of {a.Size} bytes at 0x{a.Base:x}");
        if (markWritten && a.Written is not null) a.Written.AsSpan((int)off, (int)bytes).Fill(true);
        return a.Data.AsSpan((int)off, (int)bytes);
    }
}
