using System.Numerics;
using System.Runtime.CompilerServices;
using CudaCnn.Sim.Decode;
using CudaCnn.Sim.Memory;

namespace CudaCnn.Sim.Exec;

internal sealed partial class Executor
{
    /// <summary>
    /// Resolves one lane's access to its backing array and offset, applying memcheck. Unmapped global addresses
    /// always fail (there is no memory to touch); alignment and shared/local/param bounds are memcheck's.
    /// </summary>
    private byte[] Resolve(Warp w, Space space, int pc, int lane, ulong addr, int size, bool write, out int offset, out Space resolved)
    {
        if (space == Space.Generic)
        {
            if (addr - AddressMap.SharedWindow < AddressMap.WindowSize) { space = Space.Shared; addr -= AddressMap.SharedWindow; }
            else if (addr - AddressMap.LocalWindow < AddressMap.WindowSize) { space = Space.Local; addr -= AddressMap.LocalWindow; }
            else space = Space.Global;
        }
        resolved = space;
        if (_launch.Memcheck && size > 1 && (addr & (ulong)(size - 1)) != 0)
            throw Violation(SimViolationKind.Misaligned, w, lane, pc, addr,
                $"misaligned {SpaceName(space)} {(write ? "write" : "read")} of {size} bytes: address 0x{addr:x} is not a multiple of {size}" +
                (space is Space.Global or Space.Const ? "; " + DescribeGlobal(addr, size) : ""));
        switch (space)
        {
            case Space.Global or Space.Const:
            {
                var a = w.LastAllocation;
                if (a is null || !InAllocation(a, addr, size))
                {
                    a = _launch.Global.Find(addr);
                    if (a is null || !InAllocation(a, addr, size))
                        throw Violation(SimViolationKind.OutOfBounds, w, lane, pc, addr,
                            $"invalid __global__ {(write ? "write" : "read")} of size {size}: {DescribeGlobal(addr, size)}");
                    w.LastAllocation = a;
                }
                offset = (int)(addr - a.Base);
                if (a.Written is not null && _launch.Initcheck)
                {
                    if (write) a.Written.AsSpan(offset, size).Fill(true);
                    else if (a.Written.AsSpan(offset, size).Contains(false))
                        throw Violation(SimViolationKind.UninitializedRead, w, lane, pc, addr,
                            $"read of uninitialized __global__ memory: {DescribeGlobal(addr, size)}");
                }
                return a.Data;
            }
            case Space.Shared:
                if (addr + (ulong)size > (ulong)_launch.SharedBytes)
                    throw Violation(SimViolationKind.OutOfBounds, w, lane, pc, addr,
                        $"invalid __shared__ {(write ? "write" : "read")} of size {size} at offset {(long)addr} (the block has {_launch.SharedBytes} bytes of shared memory)");
                offset = (int)addr;
                return _cta.Shared;
            case Space.Local:
            {
                ulong per = (ulong)_launch.LocalBytesPerThread;
                if (addr + (ulong)size > per)
                    throw Violation(SimViolationKind.OutOfBounds, w, lane, pc, addr,
                        $"invalid __local__ {(write ? "write" : "read")} of size {size} at offset {(long)addr} (each thread has {per} bytes of local memory)");
                offset = (int)((ulong)(w.Index * 32 + lane) * per + addr);
                return _cta.Local;
            }
            case Space.ParamKernel:
                if (write || addr + (ulong)size > (ulong)_launch.ParamBytes)
                    throw Violation(SimViolationKind.OutOfBounds, w, lane, pc, addr, $"invalid kernel parameter access at offset {(long)addr}");
                offset = (int)addr;
                return _launch.ParamBuffer;
            case Space.ParamLane:
            {
                int per = _launch.Program.LaneParamBytes;
                offset = lane * per + (int)addr;
                return w.LaneParams;
            }
            default:
                throw Violation(SimViolationKind.InvalidAddress, w, lane, pc, addr, $"address 0x{addr:x} in no state space");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadBytes(byte[] arr, int off, int size) => size switch
    {
        1 => arr[off],
        2 => Unsafe.ReadUnaligned<ushort>(ref arr[off]),
        4 => Unsafe.ReadUnaligned<uint>(ref arr[off]),
        _ => Unsafe.ReadUnaligned<ulong>(ref arr[off]),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteBytes(byte[] arr, int off, int size, ulong v)
    {
        switch (size)
        {
            case 1: arr[off] = (byte)v; break;
            case 2: Unsafe.WriteUnaligned(ref arr[off], (ushort)v); break;
            case 4: Unsafe.WriteUnaligned(ref arr[off], (uint)v); break;
            default: Unsafe.WriteUnaligned(ref arr[off], v); break;
        }
    }

    private void Load(Warp w, ref Instr ins, int pc, uint exec)
    {
        int elem = TyInfo.Bytes(ins.Type), vec = ins.Vec, size = elem * vec;
        var r = w.R;
        if (vec == 1 && TryFastLoad(w, ref ins, exec, elem)) return;
        Space space = Space.None;
        for (uint m = exec; m != 0; m &= m - 1)
        {
            int l = BitOperations.TrailingZeroCount(m);
            ulong addr = r[ins.A * 32 + l] + (ulong)ins.Offset;
            var arr = Resolve(w, ins.Space, pc, l, addr, size, false, out int off, out space);
            if (space == Space.Shared && _cta.Race is not null) RaceRead(w, pc, l, off, size);
            if (vec == 1) r[ins.D * 32 + l] = TyInfo.Extend(ReadBytes(arr, off, elem), ins.Type);
            else
                for (int i = 0; i < vec; i++)
                    r[_lists[ins.Target + i] * 32 + l] = TyInfo.Extend(ReadBytes(arr, off + i * elem, elem), ins.Type);
        }
        CountAccess(w, ref ins, exec, size, space, isStore: false);
    }

    /// <summary>
    /// Scalar shared or global accesses whose every lane hits the cached allocation (or shared memory) aligned and
    /// in bounds, with no racecheck/initcheck bookkeeping, go straight to the bytes. Anything else takes the
    /// checked path, which also produces the report. Fills the lanes' byte offsets into <paramref name="at"/>.
    /// </summary>
    private bool FastOffsets(Warp w, ref Instr ins, uint exec, int elem, Span<int> at, out byte[] data)
    {
        ulong lo, limit;
        data = _cta.Shared;
        if (ins.Space == Space.Shared && _cta.Race is null)
        {
            lo = 0;
            limit = (ulong)_launch.SharedBytes;
        }
        else if (ins.Space == Space.Global && !_launch.Initcheck && w.LastAllocation is { } a)
        {
            data = a.Data;
            lo = a.Base;
            limit = (ulong)a.Size;
        }
        else return false;
        var r = w.R;
        int ab = ins.A * 32;
        ulong off = (ulong)ins.Offset;
        ulong misalign = (ulong)(elem - 1);
        int k = 0;
        for (uint m = exec; m != 0; m &= m - 1)
        {
            int l = BitOperations.TrailingZeroCount(m);
            ulong addr = r[ab + l] + off;
            ulong rel = addr - lo;
            if (rel >= limit || rel + (ulong)elem > limit || (addr & misalign) != 0) return false;
            at[k++] = (int)rel;
        }
        return true;
    }

    private bool TryFastLoad(Warp w, ref Instr ins, uint exec, int elem)
    {
        Span<int> at = stackalloc int[32];
        if (!FastOffsets(w, ref ins, exec, elem, at, out var data)) return false;
        var r = w.R;
        int d = ins.D * 32, k = 0;
        var type = ins.Type;
        if (elem == 4)
        {
            bool signed = type == Ty.S32;
            for (uint m = exec; m != 0; m &= m - 1)
            {
                uint v = Unsafe.ReadUnaligned<uint>(ref data[at[k++]]);
                r[d + BitOperations.TrailingZeroCount(m)] = signed ? (ulong)(long)(int)v : v;
            }
        }
        else
        {
            for (uint m = exec; m != 0; m &= m - 1)
                r[d + BitOperations.TrailingZeroCount(m)] = TyInfo.Extend(ReadBytes(data, at[k++], elem), type);
        }
        CountFast(w, ref ins, exec, elem, at[..k], isStore: false);
        return true;
    }

    private bool TryFastStore(Warp w, ref Instr ins, uint exec, int elem)
    {
        Span<int> at = stackalloc int[32];
        if (!FastOffsets(w, ref ins, exec, elem, at, out var data)) return false;
        var r = w.R;
        int b = ins.B * 32, k = 0;
        for (uint m = exec; m != 0; m &= m - 1)
            WriteBytes(data, at[k++], elem, r[b + BitOperations.TrailingZeroCount(m)]);
        CountFast(w, ref ins, exec, elem, at[..k], isStore: true);
        return true;
    }

    /// <summary>Counters of a fast-path access: a 32-bit-or-narrower shared access is one phase of 32 lanes.</summary>
    private void CountFast(Warp w, ref Instr ins, uint exec, int elem, Span<int> at, bool isStore)
    {
        if (ins.Space != Space.Shared || elem > 4)
        {
            CountAccess(w, ref ins, exec, elem, ins.Space, isStore);
            return;
        }
        Span<ulong> words = stackalloc ulong[32];
        for (int i = 0; i < at.Length; i++) words[i] = (ulong)(at[i] >> 2);
        int wavefronts = ConflictFree(words[..at.Length]) ? 1 : SharedWavefronts(w, ref ins, exec, elem).Wavefronts;
        _n[(int)(isStore ? Counter.SharedStoreRequests : Counter.SharedLoadRequests)]++;
        _n[(int)(isStore ? Counter.SharedStorePhases : Counter.SharedLoadPhases)]++;
        _n[(int)(isStore ? Counter.SharedStoreWavefronts : Counter.SharedLoadWavefronts)] += wavefronts;
    }

    private void Store(Warp w, ref Instr ins, int pc, uint exec)
    {
        int elem = TyInfo.Bytes(ins.Type), vec = ins.Vec, size = elem * vec;
        var r = w.R;
        if (vec == 1 && TryFastStore(w, ref ins, exec, elem)) return;
        Space space = Space.None;
        for (uint m = exec; m != 0; m &= m - 1)
        {
            int l = BitOperations.TrailingZeroCount(m);
            ulong addr = r[ins.A * 32 + l] + (ulong)ins.Offset;
            var arr = Resolve(w, ins.Space, pc, l, addr, size, true, out int off, out space);
            for (int i = 0; i < vec; i++)
            {
                ulong v = vec == 1 ? r[ins.B * 32 + l] : r[_lists[ins.Target + i] * 32 + l];
                if (space == Space.Shared && _cta.Race is not null) RaceWrite(w, pc, l, off + i * elem, elem, v);
                WriteBytes(arr, off + i * elem, elem, v);
            }
        }
        CountAccess(w, ref ins, exec, size, space, isStore: true);
    }

    private void RaceRead(Warp w, int pc, int lane, int off, int size)
    {
        int thread = w.Index * 32 + lane;
        for (int i = 0; i < size; i++)
        {
            var h = _cta.Race!.Read(off + i, thread, _cta.Epoch, out int other, out int otherPc);
            if (h == RaceShadow.Hazard.Warning) _n[(int)Counter.RaceWarnings]++;
            else if (h != RaceShadow.Hazard.None)
                throw Violation(SimViolationKind.RaceReadAfterWrite, w, lane, pc, (ulong)(off + i),
                    $"__shared__ read of byte {off + i} races with a write by thread {_cta.ThreadIndex(other)} " +
                    $"(PTX line {(otherPc >= 0 ? Line(otherPc) : 0)}) with no barrier in between");
        }
    }

    private void RaceWrite(Warp w, int pc, int lane, int off, int size, ulong value)
    {
        int thread = w.Index * 32 + lane;
        for (int i = 0; i < size; i++)
        {
            bool same = _cta.Shared[off + i] == (byte)(value >> (8 * i));
            var h = _cta.Race!.Write(off + i, thread, _cta.Epoch, pc, same, out int other);
            if (h == RaceShadow.Hazard.Warning) _n[(int)Counter.RaceWarnings]++;
            else if (h != RaceShadow.Hazard.None)
            {
                var kind = h == RaceShadow.Hazard.WriteAfterRead ? SimViolationKind.RaceWriteAfterRead : SimViolationKind.RaceWriteAfterWrite;
                throw Violation(kind, w, lane, pc, (ulong)(off + i),
                    $"__shared__ write of byte {off + i} races with a {(kind == SimViolationKind.RaceWriteAfterRead ? "read" : "write")} by thread " +
                    $"{_cta.ThreadIndex(other)} with no barrier in between");
            }
        }
    }

    /// <summary>Requests, sectors and shared-memory wavefronts of one warp-level access (notes section 4.3).</summary>
    private void CountAccess(Warp w, ref Instr ins, uint exec, int size, Space space, bool isStore)
    {
        var n = _n;
        int lanes = BitOperations.PopCount(exec);
        switch (space)
        {
            case Space.Global:
            {
                int sectors = CountSectors(w, ref ins, exec, size);
                long ideal = (lanes * (long)size + 31) / 32;
                if (isStore)
                {
                    n[(int)Counter.GlobalStoreRequests]++;
                    n[(int)Counter.GlobalStoreSectors] += sectors;
                    n[(int)Counter.GlobalStoreIdealSectors] += ideal;
                }
                else
                {
                    n[(int)Counter.GlobalLoadRequests]++;
                    n[(int)Counter.GlobalLoadSectors] += sectors;
                    n[(int)Counter.GlobalLoadIdealSectors] += ideal;
                }
                break;
            }
            case Space.Local:
                n[(int)(isStore ? Counter.LocalStoreRequests : Counter.LocalLoadRequests)]++;
                break;
            case Space.Shared:
            {
                var (wavefronts, phases) = SharedWavefronts(w, ref ins, exec, size);
                n[(int)(isStore ? Counter.SharedStoreRequests : Counter.SharedLoadRequests)]++;
                n[(int)(isStore ? Counter.SharedStoreWavefronts : Counter.SharedLoadWavefronts)] += wavefronts;
                n[(int)(isStore ? Counter.SharedStorePhases : Counter.SharedLoadPhases)] += phases;
                break;
            }
        }
    }

    /// <summary>Distinct 32-byte sectors touched by the participating lanes (every byte of each lane's access).</summary>
    private int CountSectors(Warp w, ref Instr ins, uint exec, int size)
    {
        Span<ulong> ids = stackalloc ulong[64];
        int k = 0;
        for (uint m = exec; m != 0; m &= m - 1)
        {
            int l = BitOperations.TrailingZeroCount(m);
            ulong addr = w.R[ins.A * 32 + l] + (ulong)ins.Offset;
            ulong first = addr >> 5, last = (addr + (ulong)size - 1) >> 5;
            for (ulong s = first; s <= last && k < ids.Length; s++) ids[k++] = s;
        }
        return CountDistinct(ids[..k]);
    }

    /// <summary>Distinct values; a 128-bit window bitmap when they are close together (the usual case), else a sort.</summary>
    private static int CountDistinct(Span<ulong> values)
    {
        if (values.Length == 0) return 0;
        ulong min = ulong.MaxValue, max = 0;
        foreach (var v in values) { min = Math.Min(min, v); max = Math.Max(max, v); }
        if (max - min < 128)
        {
            ulong lo = 0, hi = 0;
            foreach (var v in values)
            {
                int bit = (int)(v - min);
                if (bit < 64) lo |= 1UL << bit; else hi |= 1UL << (bit - 64);
            }
            return BitOperations.PopCount(lo) + BitOperations.PopCount(hi);
        }
        values.Sort();
        int distinct = 1;
        for (int i = 1; i < values.Length; i++) if (values[i] != values[i - 1]) distinct++;
        return distinct;
    }

    /// <summary>True when no bank is asked for two different words (broadcasts allowed): one wavefront.</summary>
    private static bool ConflictFree(Span<ulong> words)
    {
        Span<uint> bankWord = stackalloc uint[32];
        uint used = 0;
        foreach (var word in words)
        {
            int bank = (int)(word & 31);
            if ((used & (1u << bank)) == 0)
            {
                used |= 1u << bank;
                bankWord[bank] = (uint)word;
            }
            else if (bankWord[bank] != (uint)word) return false;
        }
        return true;
    }

    /// <summary>
    /// Shared-memory wavefronts: lanes split into phases by access width (32 lanes up to 4 bytes, 16 for 8, 8 for
    /// 16); per phase the maximum over banks of distinct 32-bit words requested (same word = broadcast).
    /// </summary>
    private (int Wavefronts, int Phases) SharedWavefronts(Warp w, ref Instr ins, uint exec, int size)
    {
        int lanesPerPhase = size <= 4 ? 32 : size == 8 ? 16 : 8;
        int wordsPerLane = Math.Max(1, size / 4);
        Span<ulong> words = stackalloc ulong[32];
        Span<int> perBank = stackalloc int[32];
        int wavefronts = 0, phases = 0;
        for (int p = 0; p < 32; p += lanesPerPhase)
        {
            uint phaseMask = lanesPerPhase == 32 ? uint.MaxValue : ((1u << lanesPerPhase) - 1) << p;
            uint m = exec & phaseMask;
            if (m == 0) continue;
            phases++;
            int k = 0;
            for (; m != 0; m &= m - 1)
            {
                int l = BitOperations.TrailingZeroCount(m);
                ulong addr = w.R[ins.A * 32 + l] + (ulong)ins.Offset;
                if (ins.Space == Space.Generic) addr -= AddressMap.SharedWindow;
                for (int i = 0; i < wordsPerLane; i++) words[k++] = (addr >> 2) + (ulong)i;
            }
            var distinct = words[..k];
            if (ConflictFree(distinct)) { wavefronts++; continue; }
            distinct.Sort();
            perBank.Clear();
            int max = 0;
            for (int i = 0; i < k; i++)
            {
                if (i > 0 && distinct[i] == distinct[i - 1]) continue;
                int bank = (int)(distinct[i] & 31);
                max = Math.Max(max, ++perBank[bank]);
            }
            wavefronts += max;
        }
        return (wavefronts, phases);
    }
}
