using System.Numerics;
using System.Runtime.CompilerServices;
using CudaCnn.Sim.Decode;
using CudaCnn.Sim.Memory;
using CudaCnn.Sim.Semantics;

namespace CudaCnn.Sim.Exec;

internal sealed partial class Executor
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float F(ulong bits) => BitConverter.UInt32BitsToSingle((uint)bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Fb(float v) => BitConverter.SingleToUInt32Bits(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double D(ulong bits) => BitConverter.UInt64BitsToDouble(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Db(double v) => BitConverter.DoubleToUInt64Bits(v);

    private static FloatRounding FRnd(byte mod) => (Rnd)mod switch
    {
        Rnd.Rz => FloatRounding.Rz, Rnd.Rm => FloatRounding.Rm, Rnd.Rp => FloatRounding.Rp, _ => FloatRounding.Rn,
    };

    private static IntRounding IRnd(byte mod) => (Rnd)mod switch
    {
        Rnd.Rzi => IntRounding.Rzi, Rnd.Rmi => IntRounding.Rmi, Rnd.Rpi => IntRounding.Rpi, _ => IntRounding.Rni,
    };

    private void CountFamily(Op op, Ty type, int lanes)
    {
        var n = _n;
        bool f32 = type == Ty.F32, f64 = type == Ty.F64;
        switch (op)
        {
            case Op.Add or Op.Sub or Op.MulLo when f32: n[(int)Counter.Flops32] += lanes; break;
            case Op.Add or Op.Sub or Op.MulLo when f64: n[(int)Counter.Flops64] += lanes; break;
            case Op.Fma when f32: n[(int)Counter.Flops32] += 2 * lanes; break;
            case Op.Fma when f64: n[(int)Counter.Flops64] += 2 * lanes; break;
        }
        Counter family = op switch
        {
            Op.Mov or Op.MovDepot or Op.Pack or Op.Unpack or Op.Selp or Op.CvtaToGeneric or Op.CvtaFromGeneric => Counter.MoveInstructions,
            Op.Cvt => Counter.ConversionInstructions,
            Op.Ld or Op.St or Op.Atom or Op.CpAsync or Op.CpAsyncCommit or Op.CpAsyncWait => Counter.MemoryInstructions,
            Op.Rcp or Op.Sqrt or Op.Rsqrt or Op.Ex2 or Op.Lg2 or Op.Sin or Op.Cos or Op.Tanh => Counter.SpecialFunctionInstructions,
            Op.Membar or Op.Activemask => Counter.SyncInstructions,
            _ when f32 => Counter.Fp32Instructions,
            _ when f64 => Counter.Fp64Instructions,
            _ => Counter.IntegerInstructions,
        };
        n[(int)family]++;
    }

    private void Execute(Warp w, ref Instr ins, int pc, uint exec)
    {
        CountFamily(ins.Op, ins.Type, BitOperations.PopCount(exec));
        switch (ins.Op)
        {
            case Op.Ld: Load(w, ref ins, pc, exec); return;
            case Op.St: Store(w, ref ins, pc, exec); return;
            case Op.Atom: Atomic(w, ref ins, pc, exec); return;
            case Op.CpAsync: CpAsync(w, ref ins, pc, exec); return;
            case Op.CpAsyncCommit or Op.CpAsyncWait or Op.Nop: return;
            case Op.Membar: Interlocked.MemoryBarrier(); return;
            case Op.Activemask: Fill(w, ins.D, exec, exec); return;
            case Op.MovDepot:
                for (uint m = exec; m != 0; m &= m - 1) { int l = BitOperations.TrailingZeroCount(m); w.R[ins.D * 32 + l] = w.FrameBase[l]; }
                return;
            case Op.Pack: Pack(w, ref ins, exec); return;
            case Op.Unpack: Unpack(w, ref ins, exec); return;
        }
        var r = w.R;
        int d = ins.D * 32, a = ins.A * 32, b = ins.B * 32, c = ins.C * 32, e = ins.E * 32;
        if (exec == uint.MaxValue && ins.Op == Op.Fma && ins.Type == Ty.F32 && ins.Mod <= (byte)Rnd.Rn && (ins.Flags & (InstrFlags.Ftz | InstrFlags.Sat)) == 0)
        {
            for (int l = 0; l < 32; l++) r[d + l] = Fb(MathF.FusedMultiplyAdd(F(r[a + l]), F(r[b + l]), F(r[c + l])));
            return;
        }
        for (uint m = exec; m != 0; m &= m - 1)
        {
            int l = BitOperations.TrailingZeroCount(m);
            ulong x = r[a + l];
            ulong y = ins.B >= 0 ? r[b + l] : 0;
            ulong z = ins.C >= 0 ? r[c + l] : 0;
            ulong result = Lane(w, ref ins, pc, l, x, y, z, ins.E >= 0 ? r[e + l] : 0, out bool writeSecond, out ulong second);
            r[d + l] = result;
            if (writeSecond && ins.D2 >= 0) r[ins.D2 * 32 + l] = second;
        }
    }

    private static void Fill(Warp w, int slot, uint lanes, ulong value)
    {
        for (uint m = lanes; m != 0; m &= m - 1) w.R[slot * 32 + BitOperations.TrailingZeroCount(m)] = value;
    }

    private void Pack(Warp w, ref Instr ins, uint exec)
    {
        int parts = ins.Vec, bits = TyInfo.Bytes(ins.Type) * 8 / parts;
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        for (uint m = exec; m != 0; m &= m - 1)
        {
            int l = BitOperations.TrailingZeroCount(m);
            ulong v = 0;
            for (int i = 0; i < parts; i++) v |= (w.R[_lists[ins.Target + i] * 32 + l] & mask) << (i * bits);
            w.R[ins.D * 32 + l] = v;
        }
    }

    private void Unpack(Warp w, ref Instr ins, uint exec)
    {
        int parts = ins.Vec, bits = TyInfo.Bytes(ins.Type) * 8 / parts;
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        for (uint m = exec; m != 0; m &= m - 1)
        {
            int l = BitOperations.TrailingZeroCount(m);
            ulong v = w.R[ins.A * 32 + l];
            for (int i = 0; i < parts; i++) w.R[_lists[ins.Target + i] * 32 + l] = (v >> (i * bits)) & mask;
        }
    }

    /// <summary>One lane of an ALU instruction. Results are zero-extended to 64 bits unless the type is signed and narrower.</summary>
    private ulong Lane(Warp w, ref Instr ins, int pc, int lane, ulong x, ulong y, ulong z, ulong u, out bool writeSecond, out ulong second)
    {
        writeSecond = false;
        second = 0;
        bool ftz = (ins.Flags & InstrFlags.Ftz) != 0;
        bool sat = (ins.Flags & InstrFlags.Sat) != 0;
        var t = ins.Type;
        ulong mask = TyInfo.Mask(t);
        switch (ins.Op)
        {
            case Op.Mov: return x;
            case Op.Add:
                return t switch
                {
                    Ty.F32 => Fb(SatF(F32.Add(F(x), F(y), FRnd(ins.Mod), ftz), sat)),
                    Ty.F64 => Db(SatD(F64.Add(D(x), D(y), FRnd(ins.Mod)), sat)),
                    Ty.S32 when sat => (uint)(int)Math.Clamp((long)(int)x + (int)y, int.MinValue, int.MaxValue),
                    _ => (x + y) & mask,
                };
            case Op.Sub:
                return t switch
                {
                    Ty.F32 => Fb(SatF(F32.Sub(F(x), F(y), FRnd(ins.Mod), ftz), sat)),
                    Ty.F64 => Db(SatD(F64.Sub(D(x), D(y), FRnd(ins.Mod)), sat)),
                    Ty.S32 when sat => (uint)(int)Math.Clamp((long)(int)x - (int)y, int.MinValue, int.MaxValue),
                    _ => (x - y) & mask,
                };
            case Op.MulLo:
                return t switch
                {
                    Ty.F32 => Fb(SatF(F32.Mul(F(x), F(y), FRnd(ins.Mod), ftz), sat)),
                    Ty.F64 => Db(SatD(F64.Mul(D(x), D(y), FRnd(ins.Mod)), sat)),
                    _ => (x * y) & mask,
                };
            case Op.MulHi: return MulHi(t, x, y);
            case Op.MulWide: return MulWide(t, x, y);
            case Op.MadLo: return (x * y + z) & mask;
            case Op.MadHi: return (MulHi(t, x, y) + z) & mask;
            case Op.MadWide: return MulWide(t, x, y) + z;
            case Op.Fma:
                return t == Ty.F32
                    ? Fb(SatF(F32.Fma(F(x), F(y), F(z), FRnd(ins.Mod), ftz), sat))
                    : Db(SatD(F64.Fma(D(x), D(y), D(z), FRnd(ins.Mod)), sat));
            case Op.Div: return Div(w, ref ins, pc, lane, x, y, isRem: false);
            case Op.Rem: return Div(w, ref ins, pc, lane, x, y, isRem: true);
            case Op.Neg:
                return t switch
                {
                    Ty.F32 => Fb(F32.Neg(F(x), ftz)),
                    Ty.F64 => Db(F64.Neg(D(x))),
                    _ => (0 - x) & mask,
                };
            case Op.Abs:
                return t switch
                {
                    Ty.F32 => Fb(F32.Abs(F(x), ftz)),
                    Ty.F64 => Db(F64.Abs(D(x))),
                    Ty.S32 => (uint)IntOps.AbsS32((int)x),
                    Ty.S64 => (ulong)IntOps.AbsS64((long)x),
                    Ty.S16 => (ulong)(ushort)Math.Abs((int)(short)x),
                    _ => throw Violation(SimViolationKind.Unsupported, w, lane, pc, null, "abs of this type"),
                };
            case Op.Min or Op.Max:
            {
                bool max = ins.Op == Op.Max;
                switch (t)
                {
                    case Ty.F32: return Fb(max ? F32.Max(F(x), F(y), ftz) : F32.Min(F(x), F(y), ftz));
                    case Ty.F64: return Db(max ? F64.Max(D(x), D(y)) : F64.Min(D(x), D(y)));
                }
                if (TyInfo.IsSigned(t))
                {
                    long sx = (long)TyInfo.Extend(x, t), sy = (long)TyInfo.Extend(y, t);
                    return (ulong)(max ? Math.Max(sx, sy) : Math.Min(sx, sy)) & mask;
                }
                ulong ux = x & mask, uy = y & mask;
                return max ? Math.Max(ux, uy) : Math.Min(ux, uy);
            }
            case Op.And: return x & y & (t == Ty.Pred ? 1 : mask);
            case Op.Or: return (x | y) & (t == Ty.Pred ? 1 : mask);
            case Op.Xor: return (x ^ y) & (t == Ty.Pred ? 1 : mask);
            case Op.Not: return t == Ty.Pred ? (x & 1) ^ 1 : ~x & mask;
            case Op.Shl:
                return TyInfo.Bytes(t) switch
                {
                    2 => IntOps.Shl16((ushort)x, (uint)y),
                    4 => IntOps.Shl32((uint)x, (uint)y),
                    _ => IntOps.Shl64(x, (uint)y),
                };
            case Op.Shr:
                return t switch
                {
                    Ty.S16 => (ushort)IntOps.ShrS16((short)x, (uint)y),
                    Ty.S32 => (uint)IntOps.ShrS32((int)x, (uint)y),
                    Ty.S64 => (ulong)IntOps.ShrS64((long)x, (uint)y),
                    Ty.U16 or Ty.B16 => IntOps.ShrU16((ushort)x, (uint)y),
                    Ty.U32 or Ty.B32 => IntOps.ShrU32((uint)x, (uint)y),
                    _ => IntOps.ShrU64(x, (uint)y),
                };
            case Op.Setp:
            {
                bool p = Compare((CmpOp)ins.Mod, t, x, y, ftz);
                writeSecond = true;
                second = p ? 0UL : 1UL;
                return p ? 1UL : 0UL;
            }
            case Op.Selp: return z != 0 ? x : y;
            case Op.Cvt: return Convert(w, ref ins, pc, lane, x, y);
            case Op.CvtaToGeneric:
                return ins.Space switch
                {
                    Space.Shared => AddressMap.SharedWindow + x,
                    Space.Local => AddressMap.LocalWindow + x,
                    _ => x,
                };
            case Op.CvtaFromGeneric:
            {
                ulong v = ins.Space switch
                {
                    Space.Shared => x - AddressMap.SharedWindow,
                    Space.Local => x - AddressMap.LocalWindow,
                    _ => x,
                };
                return t == Ty.U32 ? v & 0xFFFF_FFFF : v;
            }
            case Op.Rcp:
                if (t == Ty.F64) return Db((ins.Flags & InstrFlags.Approx) != 0 ? F64.RcpApproxFtz(D(x)) : F64.Rcp(D(x), FRnd(ins.Mod)));
                return Fb((ins.Flags & InstrFlags.Approx) != 0 ? F32.RcpApprox(F(x), ftz) : F32.Rcp(F(x), FRnd(ins.Mod), ftz));
            case Op.Sqrt:
                if (t == Ty.F64) return Db(F64.Sqrt(D(x), FRnd(ins.Mod)));
                return Fb((ins.Flags & InstrFlags.Approx) != 0 ? F32.SqrtApprox(F(x), ftz) : F32.Sqrt(F(x), FRnd(ins.Mod), ftz));
            case Op.Rsqrt: return t == Ty.F64 ? Db(F64.RsqrtApprox(D(x))) : Fb(F32.RsqrtApprox(F(x), ftz));
            case Op.Ex2: return Fb(F32.Ex2Approx(F(x), ftz));
            case Op.Lg2: return Fb(F32.Lg2Approx(F(x), ftz));
            case Op.Sin: return Fb(F32.SinApprox(F(x), ftz));
            case Op.Cos: return Fb(F32.CosApprox(F(x), ftz));
            case Op.Tanh: return Fb(F32.TanhApprox(F(x), ftz));
            case Op.Popc: return TyInfo.Bytes(t) == 8 ? IntOps.Popc64(x) : IntOps.Popc32((uint)x);
            case Op.Clz: return TyInfo.Bytes(t) == 8 ? IntOps.Clz64(x) : IntOps.Clz32((uint)x);
            case Op.Brev: return TyInfo.Bytes(t) == 8 ? IntOps.Brev64(x) : IntOps.Brev32((uint)x);
            case Op.Bfind:
            {
                bool shift = (ins.Flags & InstrFlags.Variant) != 0;
                return t switch
                {
                    Ty.S32 => IntOps.BfindS32((int)x, shift),
                    Ty.S64 => IntOps.BfindS64((long)x, shift),
                    Ty.U64 => IntOps.BfindU64(x, shift),
                    _ => IntOps.BfindU32((uint)x, shift),
                };
            }
            case Op.Bfi: return TyInfo.Bytes(t) == 8 ? IntOps.Bfi64(x, y, (uint)z, (uint)u) : IntOps.Bfi32((uint)x, (uint)y, (uint)z, (uint)u);
            case Op.Bfe:
                return t switch
                {
                    Ty.S32 => (uint)IntOps.BfeS32((int)x, (uint)y, (uint)z),
                    Ty.S64 => (ulong)IntOps.BfeS64((long)x, (uint)y, (uint)z),
                    Ty.U64 => IntOps.BfeU64(x, (uint)y, (uint)z),
                    _ => IntOps.BfeU32((uint)x, (uint)y, (uint)z),
                };
            case Op.Prmt: return IntOps.Prmt((uint)x, (uint)y, (uint)z);
            case Op.Shf: return IntOps.Shf((uint)x, (uint)y, (uint)z, ins.Mod == 0, (ins.Flags & InstrFlags.Variant) != 0);
            case Op.Sad:
                return t switch
                {
                    Ty.S32 => (uint)IntOps.SadS32((int)x, (int)y, (int)z),
                    Ty.U32 => IntOps.SadU32((uint)x, (uint)y, (uint)z),
                    Ty.S64 => (ulong)IntOps.SadS64((long)x, (long)y, (long)z),
                    _ => IntOps.SadU64(x, y, z),
                };
            case Op.Copysign:
                return t == Ty.F32 ? Fb(MathF.CopySign(F(y), F(x))) : Db(Math.CopySign(D(y), D(x)));
            case Op.Testp:
            {
                double v = t == Ty.F32 ? F(x) : D(x);
                bool res = ins.Mod switch
                {
                    0 => double.IsFinite(v), 1 => double.IsInfinity(v), 2 => !double.IsNaN(v), 3 => double.IsNaN(v),
                    4 => t == Ty.F32 ? float.IsNormal((float)v) : double.IsNormal(v),
                    _ => t == Ty.F32 ? float.IsSubnormal((float)v) : double.IsSubnormal(v),
                };
                return res ? 1UL : 0UL;
            }
            default:
                throw Violation(SimViolationKind.Unsupported, w, lane, pc, null, $"the executor has no implementation of {ins.Op}");
        }
    }

    private static float SatF(float v, bool sat) => sat ? F32.Saturate(v) : v;
    private static double SatD(double v, bool sat) => sat ? F64.Saturate(v) : v;

    private static ulong MulHi(Ty t, ulong x, ulong y) => t switch
    {
        Ty.S16 => (ushort)IntOps.MulHiS16((short)x, (short)y),
        Ty.U16 => IntOps.MulHiU16((ushort)x, (ushort)y),
        Ty.S32 => (uint)IntOps.MulHiS32((int)x, (int)y),
        Ty.U32 => IntOps.MulHiU32((uint)x, (uint)y),
        Ty.S64 => (ulong)IntOps.MulHiS64((long)x, (long)y),
        _ => IntOps.MulHiU64(x, y),
    };

    private static ulong MulWide(Ty t, ulong x, ulong y) => t switch
    {
        Ty.S16 => (uint)IntOps.MulWideS16((short)x, (short)y),
        Ty.U16 => IntOps.MulWideU16((ushort)x, (ushort)y),
        Ty.S32 => (ulong)IntOps.MulWideS32((int)x, (int)y),
        _ => IntOps.MulWideU32((uint)x, (uint)y),
    };

    private ulong Div(Warp w, ref Instr ins, int pc, int lane, ulong x, ulong y, bool isRem)
    {
        var t = ins.Type;
        bool dz;
        ulong result;
        switch (t)
        {
            case Ty.F32:
            {
                bool ftz = (ins.Flags & InstrFlags.Ftz) != 0;
                if ((ins.Flags & InstrFlags.Variant) != 0) return Fb(F32.DivFull(F(x), F(y), ftz));
                if ((ins.Flags & InstrFlags.Approx) != 0) return Fb(F32.DivApprox(F(x), F(y), ftz));
                return Fb(F32.Div(F(x), F(y), FRnd(ins.Mod), ftz));
            }
            case Ty.F64: return Db(F64.Div(D(x), D(y), FRnd(ins.Mod)));
            case Ty.S32: result = (uint)(isRem ? IntOps.RemS32((int)x, (int)y, out dz) : IntOps.DivS32((int)x, (int)y, out dz)); break;
            case Ty.U32: result = isRem ? IntOps.RemU32((uint)x, (uint)y, out dz) : IntOps.DivU32((uint)x, (uint)y, out dz); break;
            case Ty.S64: result = (ulong)(isRem ? IntOps.RemS64((long)x, (long)y, out dz) : IntOps.DivS64((long)x, (long)y, out dz)); break;
            case Ty.U64: result = isRem ? IntOps.RemU64(x, y, out dz) : IntOps.DivU64(x, y, out dz); break;
            default: throw Violation(SimViolationKind.Unsupported, w, lane, pc, null, $"div/rem of type {t}");
        }
        if (dz && _launch.Memcheck)
            throw Violation(SimViolationKind.DivisionByZero, w, lane, pc, null, "integer division by zero (the result is unspecified in PTX)");
        return result;
    }

    private static bool Compare(CmpOp op, Ty t, ulong x, ulong y, bool ftz)
    {
        if (t == Ty.F32) return F32.Compare((FloatCompare)op, F(x), F(y), ftz);
        if (t == Ty.F64) return F64.Compare((FloatCompare)op, D(x), D(y));
        if (TyInfo.IsSigned(t))
        {
            long a = (long)TyInfo.Extend(x, t), b = (long)TyInfo.Extend(y, t);
            return op switch { CmpOp.Eq => a == b, CmpOp.Ne => a != b, CmpOp.Lt => a < b, CmpOp.Le => a <= b, CmpOp.Gt => a > b, _ => a >= b };
        }
        ulong m = TyInfo.Mask(t);
        ulong ua = x & m, ub = y & m;
        return op switch { CmpOp.Eq => ua == ub, CmpOp.Ne => ua != ub, CmpOp.Lt => ua < ub, CmpOp.Le => ua <= ub, CmpOp.Gt => ua > ub, _ => ua >= ub };
    }
}
