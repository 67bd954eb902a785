namespace CudaCnn.Runtime;

/// <summary>
/// The live allocations of one device, sorted by address, so that every pointer handed to a copy, fill or free
/// can be checked on the host before the device sees it: a bad range becomes an ArgumentException naming the
/// argument instead of a sticky CUDA_ERROR_ILLEGAL_ADDRESS later. Thread-safe.
/// </summary>
internal sealed class AllocationTable
{
    private readonly List<(ulong Base, long Bytes)> _entries = [];

    public int Count
    {
        get { lock (_entries) return _entries.Count; }
    }

    public void Add(DevicePtr ptr, long bytes)
    {
        lock (_entries)
        {
            int index = FloorIndex(ptr.Address);
            if (index >= 0 && Contains(_entries[index], ptr.Address, 1))
                throw new InvalidOperationException($"the device returned {ptr}, which lies inside a live allocation at 0x{_entries[index].Base:x}");
            _entries.Insert(index + 1, (ptr.Address, bytes));
        }
    }

    /// <summary>Forgets the allocation that starts at <paramref name="ptr"/>; returns its size.</summary>
    public long Remove(DevicePtr ptr, string argument)
    {
        lock (_entries)
        {
            int index = FloorIndex(ptr.Address);
            if (index < 0 || _entries[index].Base != ptr.Address)
                throw new ArgumentException($"{ptr} is not the start of a live allocation of this device{Where(index, ptr.Address)}", argument);
            long bytes = _entries[index].Bytes;
            _entries.RemoveAt(index);
            return bytes;
        }
    }

    /// <summary>Throws unless [ptr, ptr + bytes) lies inside one live allocation.</summary>
    public void CheckRange(DevicePtr ptr, long bytes, string argument)
    {
        lock (_entries)
        {
            int index = FloorIndex(ptr.Address);
            if (index >= 0 && Contains(_entries[index], ptr.Address, bytes)) return;
            throw new ArgumentException($"{ptr} + {bytes} bytes is not inside one live allocation of this device{Where(index, ptr.Address)}", argument);
        }
    }

    /// <summary>Removes and returns every live allocation (used when the device closes).</summary>
    public IReadOnlyList<DevicePtr> Drain()
    {
        lock (_entries)
        {
            var all = _entries.Select(e => new DevicePtr(e.Base)).ToArray();
            _entries.Clear();
            return all;
        }
    }

    private static bool Contains((ulong Base, long Bytes) entry, ulong address, long bytes) =>
        address >= entry.Base && address - entry.Base <= (ulong)entry.Bytes && (ulong)bytes <= (ulong)entry.Bytes - (address - entry.Base);

    private string Where(int index, ulong address)
    {
        if (index < 0 || !Contains(_entries[index], address, 0))
            return $" (it points into none of the {_entries.Count} live allocations)";
        var (start, size) = _entries[index];
        return $" (it points {address - start} bytes into the {size}-byte allocation at 0x{start:x}, leaving {size - (long)(address - start)} bytes)";
    }

    /// <summary>Index of the last entry whose base is at or below <paramref name="address"/>, or -1.</summary>
    private int FloorIndex(ulong address)
    {
        int lo = 0, hi = _entries.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_entries[mid].Base <= address) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }
}
