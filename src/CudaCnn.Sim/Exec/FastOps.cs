using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CudaCnn.Sim.Decode;

namespace CudaCnn.Sim.Exec;

/// <summary>
/// The hottest ALU forms (integer address arithmetic, f32 add/mul/fma with default rounding, moves, compares)
/// as warp-wide loops specialised per operation by the JIT. Everything else goes through the general lane path.
/// </summary>
internal enum FastOp : byte
{
    None, Mov, AddI32, AddI64, SubI32, SubI64, MulLoI32, MulLoI64, MadLoI32, MulWideS32, MulWideU32, AddF32, SubF32,
    MulF32, FmaF32, AndB32, OrB32, XorB32, AndPred, OrPred, ShlB32, ShlB64, ShrU32, ShrS32, ShrU64, ShrS64, Selp,
    SetpLtS32, SetpLeS32, SetpGtS32, SetpGeS32, SetpEqI32, SetpNeI32, SetpLtU32, SetpGeU32, CvtU64U32, CvtS64S32,
    CvtU32U64, CvtaGlobal,
}

internal interface ILaneOp
{
    static abstract ulong Apply(ulong x, ulong y, ulong z);
}

[SkipLocalsInit]
internal static class FastOps
{
    public static FastOp Classify(in Instr ins)
    {
        bool plainFloat = ins.Mod <= (byte)Rnd.Rn && (ins.Flags & (InstrFlags.Ftz | InstrFlags.Sat)) == 0;
        var t = ins.Type;
        bool i32 = t is Ty.S32 or Ty.U32 or Ty.B32, i64 = t is Ty.S64 or Ty.U64 or Ty.B64;
        bool sat = (ins.Flags & InstrFlags.Sat) != 0;
        return ins.Op switch
        {
            Op.Mov => FastOp.Mov,
            Op.Add when i32 && !sat => FastOp.AddI32,
            Op.Add when i64 => FastOp.AddI64,
            Op.Sub when i32 && !sat => FastOp.SubI32,
            Op.Sub when i64 => FastOp.SubI64,
            Op.MulLo when i32 => FastOp.MulLoI32,
            Op.MulLo when i64 => FastOp.MulLoI64,
            Op.MadLo when i32 => FastOp.MadLoI32,
            Op.MulWide when t == Ty.S32 => FastOp.MulWideS32,
            Op.MulWide when t == Ty.U32 => FastOp.MulWideU32,
            Op.Add when t == Ty.F32 && plainFloat => FastOp.AddF32,
            Op.Sub when t == Ty.F32 && plainFloat => FastOp.SubF32,
            Op.MulLo when t == Ty.F32 && plainFloat => FastOp.MulF32,
            Op.Fma when t == Ty.F32 && plainFloat => FastOp.FmaF32,
            Op.And when i32 => FastOp.AndB32,
            Op.Or when i32 => FastOp.OrB32,
            Op.Xor when i32 => FastOp.XorB32,
            Op.And when t == Ty.Pred => FastOp.AndPred,
            Op.Or when t == Ty.Pred => FastOp.OrPred,
            Op.Shl when i32 => FastOp.ShlB32,
            Op.Shl when i64 => FastOp.ShlB64,
            Op.Shr when t is Ty.U32 or Ty.B32 => FastOp.ShrU32,
            Op.Shr when t == Ty.S32 => FastOp.ShrS32,
            Op.Shr when t is Ty.U64 or Ty.B64 => FastOp.ShrU64,
            Op.Shr when t == Ty.S64 => FastOp.ShrS64,
            Op.Selp => FastOp.Selp,
            Op.Setp when ins.D2 < 0 && t == Ty.S32 => (CmpOp)ins.Mod switch
            {
                CmpOp.Lt => FastOp.SetpLtS32, CmpOp.Le => FastOp.SetpLeS32, CmpOp.Gt => FastOp.SetpGtS32,
                CmpOp.Ge => FastOp.SetpGeS32, CmpOp.Eq => FastOp.SetpEqI32, CmpOp.Ne => FastOp.SetpNeI32, _ => FastOp.None,
            },
            Op.Setp when ins.D2 < 0 && t is Ty.U32 or Ty.B32 => (CmpOp)ins.Mod switch
            {
                CmpOp.Lt => FastOp.SetpLtU32, CmpOp.Ge => FastOp.SetpGeU32, CmpOp.Eq => FastOp.SetpEqI32,
                CmpOp.Ne => FastOp.SetpNeI32, _ => FastOp.None,
            },
            Op.Cvt when t == Ty.U64 && ins.Type2 == Ty.U32 && (ins.Flags & InstrFlags.Sat) == 0 => FastOp.CvtU64U32,
            Op.Cvt when t == Ty.S64 && ins.Type2 == Ty.S32 && (ins.Flags & InstrFlags.Sat) == 0 => FastOp.CvtS64S32,
            Op.Cvt when t == Ty.U32 && ins.Type2 == Ty.U64 && (ins.Flags & InstrFlags.Sat) == 0 => FastOp.CvtU32U64,
            Op.CvtaFromGeneric or Op.CvtaToGeneric when ins.Space == Space.Global => FastOp.CvtaGlobal,
            _ => FastOp.None,
        };
    }

    public static void Run(FastOp op, ulong[] r, in Instr ins, uint exec)
    {
        switch (op)
        {
            case FastOp.Mov or FastOp.CvtaGlobal: Loop<MovOp>(r, ins, exec); break;
            case FastOp.AddI32: Loop<AddI32Op>(r, ins, exec); break;
            case FastOp.AddI64: Loop<AddI64Op>(r, ins, exec); break;
            case FastOp.SubI32: Loop<SubI32Op>(r, ins, exec); break;
            case FastOp.SubI64: Loop<SubI64Op>(r, ins, exec); break;
            case FastOp.MulLoI32: Loop<MulI32Op>(r, ins, exec); break;
            case FastOp.MulLoI64: Loop<MulI64Op>(r, ins, exec); break;
            case FastOp.MadLoI32: Loop<MadI32Op>(r, ins, exec); break;
            case FastOp.MulWideS32: Loop<MulWideS32Op>(r, ins, exec); break;
            case FastOp.MulWideU32: Loop<MulWideU32Op>(r, ins, exec); break;
            case FastOp.AddF32: Loop<AddF32Op>(r, ins, exec); break;
            case FastOp.SubF32: Loop<SubF32Op>(r, ins, exec); break;
            case FastOp.MulF32: Loop<MulF32Op>(r, ins, exec); break;
            case FastOp.FmaF32: Loop<FmaF32Op>(r, ins, exec); break;
            case FastOp.AndB32 or FastOp.AndPred: Loop<AndOp>(r, ins, exec); break;
            case FastOp.OrB32 or FastOp.OrPred: Loop<OrOp>(r, ins, exec); break;
            case FastOp.XorB32: Loop<XorOp>(r, ins, exec); break;
            case FastOp.ShlB32: Loop<ShlB32Op>(r, ins, exec); break;
            case FastOp.ShlB64: Loop<ShlB64Op>(r, ins, exec); break;
            case FastOp.ShrU32: Loop<ShrU32Op>(r, ins, exec); break;
            case FastOp.ShrS32: Loop<ShrS32Op>(r, ins, exec); break;
            case FastOp.ShrU64: Loop<ShrU64Op>(r, ins, exec); break;
            case FastOp.ShrS64: Loop<ShrS64Op>(r, ins, exec); break;
            case FastOp.Selp: Loop<SelpOp>(r, ins, exec); break;
            case FastOp.SetpLtS32: Loop<LtS32Op>(r, ins, exec); break;
            case FastOp.SetpLeS32: Loop<LeS32Op>(r, ins, exec); break;
            case FastOp.SetpGtS32: Loop<GtS32Op>(r, ins, exec); break;
            case FastOp.SetpGeS32: Loop<GeS32Op>(r, ins, exec); break;
            case FastOp.SetpEqI32: Loop<EqI32Op>(r, ins, exec); break;
            case FastOp.SetpNeI32: Loop<NeI32Op>(r, ins, exec); break;
            case FastOp.SetpLtU32: Loop<LtU32Op>(r, ins, exec); break;
            case FastOp.SetpGeU32: Loop<GeU32Op>(r, ins, exec); break;
            case FastOp.CvtU64U32 or FastOp.CvtU32U64: Loop<ZextOp>(r, ins, exec); break;
            case FastOp.CvtS64S32: Loop<SextOp>(r, ins, exec); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Loop<T>(ulong[] regs, in Instr ins, uint exec) where T : struct, ILaneOp
    {
        ref ulong r = ref MemoryMarshal.GetArrayDataReference(regs);
        int d = ins.D * 32, a = ins.A * 32;
        int b = ins.B >= 0 ? ins.B * 32 : a, c = ins.C >= 0 ? ins.C * 32 : a;
        if (exec == uint.MaxValue)
        {
            for (int l = 0; l < 32; l++)
                Unsafe.Add(ref r, d + l) = T.Apply(Unsafe.Add(ref r, a + l), Unsafe.Add(ref r, b + l), Unsafe.Add(ref r, c + l));
            return;
        }
        for (uint m = exec; m != 0; m &= m - 1)
        {
            int l = System.Numerics.BitOperations.TrailingZeroCount(m);
            Unsafe.Add(ref r, d + l) = T.Apply(Unsafe.Add(ref r, a + l), Unsafe.Add(ref r, b + l), Unsafe.Add(ref r, c + l));
        }
    }

    private static float F(ulong x) => BitConverter.UInt32BitsToSingle((uint)x);
    private static ulong B(float x) => BitConverter.SingleToUInt32Bits(x);

    private struct MovOp : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => x; }
    private struct AddI32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)(x + y); }
    private struct AddI64Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => x + y; }
    private struct SubI32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)(x - y); }
    private struct SubI64Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => x - y; }
    private struct MulI32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)x * (uint)y; }
    private struct MulI64Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => x * y; }
    private struct MadI32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)x * (uint)y + (uint)z; }
    private struct MulWideS32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (ulong)((long)(int)x * (int)y); }
    private struct MulWideU32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (ulong)(uint)x * (uint)y; }
    private struct AddF32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => B(F(x) + F(y)); }
    private struct SubF32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => B(F(x) - F(y)); }
    private struct MulF32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => B(F(x) * F(y)); }
    private struct FmaF32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => B(MathF.FusedMultiplyAdd(F(x), F(y), F(z))); }
    private struct AndOp : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)(x & y); }
    private struct OrOp : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)(x | y); }
    private struct XorOp : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)(x ^ y); }
    private struct ShlB32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)y >= 32 ? 0 : (uint)x << (int)(uint)y; }
    private struct ShlB64Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)y >= 64 ? 0 : x << (int)(uint)y; }
    private struct ShrU32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)y >= 32 ? 0 : (uint)x >> (int)(uint)y; }
    private struct ShrS32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)((int)x >> (int)Math.Min((uint)y, 31u)); }
    private struct ShrU64Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)y >= 64 ? 0 : x >> (int)(uint)y; }
    private struct ShrS64Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (ulong)((long)x >> (int)Math.Min((uint)y, 63u)); }
    private struct SelpOp : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => z != 0 ? x : y; }
    private struct LtS32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (int)x < (int)y ? 1UL : 0; }
    private struct LeS32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (int)x <= (int)y ? 1UL : 0; }
    private struct GtS32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (int)x > (int)y ? 1UL : 0; }
    private struct GeS32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (int)x >= (int)y ? 1UL : 0; }
    private struct EqI32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)x == (uint)y ? 1UL : 0; }
    private struct NeI32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)x != (uint)y ? 1UL : 0; }
    private struct LtU32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)x < (uint)y ? 1UL : 0; }
    private struct GeU32Op : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)x >= (uint)y ? 1UL : 0; }
    private struct ZextOp : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (uint)x; }
    private struct SextOp : ILaneOp { public static ulong Apply(ulong x, ulong y, ulong z) => (ulong)(long)(int)x; }
}
