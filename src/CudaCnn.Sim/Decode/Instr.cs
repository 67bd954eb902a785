using System.Runtime.InteropServices;

namespace CudaCnn.Sim.Decode;

/// <summary>Operand types after decoding (the instruction's type suffix).</summary>
internal enum Ty : byte { None, B8, B16, B32, B64, U8, U16, U32, U64, S8, S16, S32, S64, F16, F16x2, F32, F64, Pred, Tf32 }

/// <summary>Opcode families; modifiers that change semantics live in <see cref="Instr.Mod"/> and <see cref="Instr.Flags"/>.</summary>
internal enum Op : byte
{
    Nop, Mov, MovDepot, Pack, Unpack, Add, Sub, MulLo, MulHi, MulWide, MadLo, MadHi, MadWide, Fma, Div, Rem, Neg, Abs,
    Min, Max, And, Or, Xor, Not, Shl, Shr, Setp, Selp, Cvt, CvtaToGeneric, CvtaFromGeneric, Ld, St, Atom, Bra,
    Ret, Exit, Call, BarSync, BarWarpSync, Shfl, Vote, Match, Redux, Activemask, Membar, Trap, Rcp, Sqrt, Rsqrt,
    Ex2, Lg2, Sin, Cos, Tanh, Popc, Clz, Brev, Bfind, Bfi, Bfe, Prmt, Shf, Sad, CpAsync, CpAsyncCommit, CpAsyncWait,
    Copysign, Testp,
}

[Flags]
internal enum InstrFlags : ushort
{
    None = 0,
    Ftz = 1,
    Sat = 2,
    GuardNegated = 4,
    /// <summary>Approximate (.approx/.full) float forms.</summary>
    Approx = 8,
    /// <summary>Non-coherent (ld.global.nc) load.</summary>
    NonCoherent = 16,
    /// <summary>shf .clamp / bfind .shiftamt / shfl pred output present.</summary>
    Variant = 32,
    /// <summary>An explicit rounding modifier was present.</summary>
    HasRounding = 64,
    /// <summary>The call or branch was marked .uni.</summary>
    Uniform = 128,
}

/// <summary>Memory spaces an access can resolve to. Param has a kernel-argument and a per-lane (call) area.</summary>
internal enum Space : byte { None, Global, Const, Shared, Local, ParamKernel, ParamLane, Generic }

/// <summary>
/// One decoded PTX instruction. Every source operand is a register slot: immediates, special registers and symbol
/// addresses were turned into constant slots that each warp fills once, so the executor never tests operand kinds.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal struct Instr
{
    public Op Op;
    public Ty Type;
    /// <summary>Source type of cvt; the comparison's type of setp is <see cref="Type"/>.</summary>
    public Ty Type2;
    /// <summary>Rounding, comparison, shuffle mode, vote mode, atomic operation or similar sub-operation.</summary>
    public byte Mod;
    public InstrFlags Flags;
    public Space Space;
    /// <summary>Vector width of ld/st (1, 2, 4) or number of elements in an operand list.</summary>
    public byte Vec;
    public int Guard;
    public int D, D2, A, B, C, E;
    /// <summary>Byte offset of an address operand.</summary>
    public long Offset;
    /// <summary>Branch target, call target function index, or start of a list in <see cref="KernelProgram.Lists"/>.</summary>
    public int Target;
    /// <summary>Index into <see cref="KernelProgram.Statements"/> for reports.</summary>
    public int Stmt;
}

internal enum CmpOp : byte { Eq, Ne, Lt, Le, Gt, Ge, Equ, Neu, Ltu, Leu, Gtu, Geu, Num, Nan, Lo, Ls, Hi, Hs }

internal enum ShflMode : byte { Up, Down, Bfly, Idx }

internal enum VoteMode : byte { All, Any, Uni, Ballot }

internal enum AtomOp : byte { Add, Min, Max, Inc, Dec, And, Or, Xor, Exch, Cas }

internal enum ReduxOp : byte { Add, Min, Max, And, Or, Xor }

internal static class TyInfo
{
    public static int Bytes(Ty t) => t switch
    {
        Ty.B8 or Ty.U8 or Ty.S8 or Ty.Pred => 1,
        Ty.B16 or Ty.U16 or Ty.S16 or Ty.F16 => 2,
        Ty.B32 or Ty.U32 or Ty.S32 or Ty.F32 or Ty.F16x2 or Ty.Tf32 => 4,
        Ty.B64 or Ty.U64 or Ty.S64 or Ty.F64 => 8,
        _ => 0,
    };

    public static bool IsSigned(Ty t) => t is Ty.S8 or Ty.S16 or Ty.S32 or Ty.S64;
    public static bool IsFloat(Ty t) => t is Ty.F16 or Ty.F16x2 or Ty.F32 or Ty.F64 or Ty.Tf32;

    public static Ty Parse(string s) => s switch
    {
        "b8" => Ty.B8, "b16" => Ty.B16, "b32" => Ty.B32, "b64" => Ty.B64,
        "u8" => Ty.U8, "u16" => Ty.U16, "u32" => Ty.U32, "u64" => Ty.U64,
        "s8" => Ty.S8, "s16" => Ty.S16, "s32" => Ty.S32, "s64" => Ty.S64,
        "f16" => Ty.F16, "f16x2" => Ty.F16x2, "f32" => Ty.F32, "f64" => Ty.F64, "pred" => Ty.Pred, "tf32" => Ty.Tf32,
        _ => Ty.None,
    };

    /// <summary>Mask of the low bits a value of this type occupies in a register.</summary>
    public static ulong Mask(Ty t) => Bytes(t) switch { 1 => 0xFF, 2 => 0xFFFF, 4 => 0xFFFF_FFFF, _ => ulong.MaxValue };

    /// <summary>Sign- or zero-extends the low bytes of <paramref name="v"/> as type <paramref name="t"/> to 64 bits.</summary>
    public static ulong Extend(ulong v, Ty t) => t switch
    {
        Ty.S8 => (ulong)(long)(sbyte)v,
        Ty.S16 => (ulong)(long)(short)v,
        Ty.S32 => (ulong)(long)(int)v,
        _ => v & Mask(t),
    };
}
