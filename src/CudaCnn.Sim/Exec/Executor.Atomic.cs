using System.Numerics;
using System.Runtime.CompilerServices;
using CudaCnn.Sim.Decode;
using CudaCnn.Sim.Semantics;

namespace CudaCnn.Sim.Exec;

internal sealed partial class Executor
{
    /// <summary>atom/red: a compare-and-swap loop on the backing bytes, so global atomics stay atomic across CTAs running in parallel.</summary>
    private void Atomic(Warp w, ref Instr ins, int pc, uint exec)
    {
        int size = TyInfo.Bytes(ins.Type);
        var r = w.R;
        Space space = Space.None;
        for (uint m = exec; m != 0; m &= m - 1)
        {
            int l = BitOperations.TrailingZeroCount(m);
            ulong addr = r[ins.A * 32 + l] + (ulong)ins.Offset;
            var arr = Resolve(w, ins.Space, pc, l, addr, size, true, out int off, out space);
            ulong b = r[ins.B * 32 + l], c = ins.C >= 0 ? r[ins.C * 32 + l] : 0;
            bool global = space != Space.Shared;
            ulong old;
            if (size == 4)
            {
                ref uint target = ref Unsafe.As<byte, uint>(ref arr[off]);
                uint seen;
                do
                {
                    seen = Volatile.Read(ref target);
                } while (Interlocked.CompareExchange(ref target, (uint)Apply((AtomOp)ins.Mod, ins.Type, seen, b, c, global), seen) != seen);
                old = TyInfo.Extend(seen, ins.Type);
            }
            else if (size == 8)
            {
                ref ulong target = ref Unsafe.As<byte, ulong>(ref arr[off]);
                ulong seen;
                do
                {
                    seen = Volatile.Read(ref target);
                } while (Interlocked.CompareExchange(ref target, Apply((AtomOp)ins.Mod, ins.Type, seen, b, c, global), seen) != seen);
                old = seen;
            }
            else throw Violation(SimViolationKind.Unsupported, w, l, pc, addr, $"{size}-byte atomics are not implemented");
            r[ins.D * 32 + l] = old;
        }
        if (space == Space.Shared) _n[(int)Counter.SharedAtomicRequests]++;
        else if (space == Space.Global)
        {
            _n[(int)Counter.GlobalAtomicRequests]++;
            _n[(int)Counter.GlobalAtomicSectors] += CountSectors(w, ref ins, exec, size);
        }
    }

    private static ulong Apply(AtomOp op, Ty t, ulong old, ulong b, ulong c, bool global)
    {
        bool wide = TyInfo.Bytes(t) == 8;
        switch (op)
        {
            case AtomOp.Add:
                if (t == Ty.F32) return Fb(AtomicOps.AddF32(F(old), F(b), global));
                if (t == Ty.F64) return Db(AtomicOps.AddF64(D(old), D(b)));
                return wide ? old + b : (uint)(old + b);
            case AtomOp.Min or AtomOp.Max:
            {
                bool max = op == AtomOp.Max;
                if (t == Ty.F32) return Fb(max ? F32.Max(F(old), F(b), false) : F32.Min(F(old), F(b), false));
                if (TyInfo.IsSigned(t))
                {
                    long x = (long)TyInfo.Extend(old, t), y = (long)TyInfo.Extend(b, t);
                    ulong v = (ulong)(max ? Math.Max(x, y) : Math.Min(x, y));
                    return wide ? v : (uint)v;
                }
                ulong ux = wide ? old : (uint)old, uy = wide ? b : (uint)b;
                return max ? Math.Max(ux, uy) : Math.Min(ux, uy);
            }
            case AtomOp.Inc: return AtomicOps.Inc((uint)old, (uint)b);
            case AtomOp.Dec: return AtomicOps.Dec((uint)old, (uint)b);
            case AtomOp.And: return old & b;
            case AtomOp.Or: return old | b;
            case AtomOp.Xor: return old ^ b;
            case AtomOp.Exch: return b;
            default: return wide ? AtomicOps.Cas(old, b, c) : (uint)AtomicOps.Cas((uint)old, (uint)b, (uint)c);
        }
    }

    /// <summary>
    /// cp.async: performed eagerly at issue (the copy is complete before any later instruction runs); only the
    /// src-size bytes are read, the rest of the destination is zero-filled.
    /// </summary>
    private void CpAsync(Warp w, ref Instr ins, int pc, uint exec)
    {
        int size = ins.Vec;
        var r = w.R;
        Span<byte> tmp = stackalloc byte[16];
        for (uint m = exec; m != 0; m &= m - 1)
        {
            int l = BitOperations.TrailingZeroCount(m);
            int srcSize = (int)Math.Min((uint)r[ins.B * 32 + l], (uint)size);
            ulong dstAddr = r[ins.C * 32 + l] + (ulong)(long)ins.E;
            var dst = Resolve(w, Space.Shared, pc, l, dstAddr, size, true, out int dOff, out _);
            tmp.Clear();
            if (srcSize > 0)
            {
                ulong srcAddr = r[ins.A * 32 + l] + (ulong)ins.Offset;
                var src = Resolve(w, Space.Generic, pc, l, srcAddr, srcSize, false, out int sOff, out _);
                src.AsSpan(sOff, srcSize).CopyTo(tmp);
            }
            if (_cta.Race is not null)
                for (int i = 0; i < size; i++) RaceWrite(w, pc, l, dOff + i, 1, tmp[i]);
            tmp[..size].CopyTo(dst.AsSpan(dOff, size));
        }
    }
}
