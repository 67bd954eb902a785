using CudaCnn.Sim.Decode;
using CudaCnn.Sim.Semantics;

namespace CudaCnn.Sim.Exec;

internal sealed partial class Executor
{
    private static IntType? IntTypeOf(Ty t) => t switch
    {
        Ty.U8 or Ty.B8 => IntType.U8, Ty.U16 or Ty.B16 => IntType.U16, Ty.U32 or Ty.B32 => IntType.U32,
        Ty.U64 or Ty.B64 => IntType.U64, Ty.S8 => IntType.S8, Ty.S16 => IntType.S16, Ty.S32 => IntType.S32,
        Ty.S64 => IntType.S64, _ => null,
    };

    /// <summary>cvt: every integer/float combination, delegating the arithmetic to <see cref="Cvt"/>.</summary>
    private ulong Convert(Warp w, ref Instr ins, int pc, int lane, ulong x, ulong y)
    {
        Ty dst = ins.Type, src = ins.Type2;
        bool ftz = (ins.Flags & InstrFlags.Ftz) != 0;
        bool sat = (ins.Flags & InstrFlags.Sat) != 0;
        var rnd = (Rnd)ins.Mod;
        bool intRounding = rnd is Rnd.Rni or Rnd.Rzi or Rnd.Rmi or Rnd.Rpi;
        var di = IntTypeOf(dst);
        var si = IntTypeOf(src);
        if (di is { } dInt && si is { } sInt) return Cvt.IntToInt(x, sInt, dInt, sat);
        if (di is { } dInt2)
        {
            // Float to integer: rounding is one of the integer modes (default .rzi is not implied: NVVM always writes one).
            var r = IRnd(ins.Mod);
            return src switch
            {
                Ty.F32 => Cvt.F32ToInt(F(x), r, dInt2, ftz),
                Ty.F64 => Cvt.F64ToInt(D(x), r, dInt2),
                Ty.F16 => Cvt.F32ToInt(Cvt.F16ToF32((ushort)x, false), r, dInt2, false),
                _ => throw Violation(SimViolationKind.Unsupported, w, lane, pc, null, $"cvt from {src}"),
            };
        }
        if (si is { } sInt2)
        {
            var r = FRnd(ins.Mod);
            ulong v = sInt2.Normalize(x);
            bool signed = sInt2.IsSigned();
            ulong result = dst switch
            {
                Ty.F32 => Fb(signed ? Cvt.SignedToF32((long)v, r) : Cvt.UnsignedToF32(v, r)),
                Ty.F64 => Db(signed ? Cvt.SignedToF64((long)v, r) : Cvt.UnsignedToF64(v, r)),
                Ty.F16 => signed ? Cvt.SignedToF16((long)v, r) : Cvt.UnsignedToF16(v, r),
                _ => throw Violation(SimViolationKind.Unsupported, w, lane, pc, null, $"cvt to {dst}"),
            };
            if (sat && dst == Ty.F32) result = Fb(F32.Saturate(F(result)));
            return result;
        }
        switch (dst, src)
        {
            case (Ty.F32, Ty.F32):
                if (intRounding) return Fb(Cvt.F32ToIntegralF32(F(x), IRnd(ins.Mod), ftz, sat));
                return Fb(sat ? Cvt.SaturateF32(F(x), ftz) : ftz ? F32.Ftz(F(x)) : F(x));
            case (Ty.F64, Ty.F64):
                return Db(intRounding ? Cvt.F64ToIntegralF64(D(x), IRnd(ins.Mod), sat) : sat ? F64.Saturate(D(x)) : D(x));
            case (Ty.F64, Ty.F32): return Db(SatD(Cvt.F32ToF64(F(x), ftz), sat));
            case (Ty.F32, Ty.F64): return Fb(SatF(Cvt.F64ToF32(D(x), FRnd(ins.Mod), ftz), sat));
            case (Ty.F16, Ty.F32): return Cvt.F32ToF16(F(x), FRnd(ins.Mod), ftz);
            case (Ty.F16, Ty.F64): return Cvt.F64ToF16(D(x), FRnd(ins.Mod));
            case (Ty.F32, Ty.F16): return Fb(Cvt.F16ToF32((ushort)x, ftz));
            case (Ty.F64, Ty.F16): return Db(Cvt.F16ToF64((ushort)x));
            case (Ty.F16x2, Ty.F32): return Cvt.F32PairToF16x2(F(x), F(y), FRnd(ins.Mod), ftz);
            case (Ty.Tf32, Ty.F32): return Cvt.F32ToTf32(F(x));
            default:
                throw Violation(SimViolationKind.Unsupported, w, lane, pc, null, $"cvt.{dst}.{src}");
        }
    }
}
