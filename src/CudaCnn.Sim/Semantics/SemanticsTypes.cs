namespace CudaCnn.Sim.Semantics;

/// <summary>IEEE rounding of a floating-point result: PTX <c>.rn .rz .rm .rp</c>.</summary>
public enum FloatRounding : byte { Rn, Rz, Rm, Rp }

/// <summary>Rounding to an integral value: PTX <c>.rni .rzi .rmi .rpi</c>.</summary>
public enum IntRounding : byte { Rni, Rzi, Rmi, Rpi }

/// <summary>
/// <c>setp</c> float comparisons. Ordered forms are false when either operand is NaN, unordered (<c>...u</c>) forms
/// are true; <c>Num</c> is true when neither is NaN, <c>Nan</c> when either is.
/// </summary>
public enum FloatCompare : byte { Eq, Ne, Lt, Le, Gt, Ge, Equ, Neu, Ltu, Leu, Gtu, Geu, Num, Nan }

/// <summary>Integer instruction types, for conversions between integer widths and float-to-integer destinations.</summary>
public enum IntType : byte { U8, U16, U32, U64, S8, S16, S32, S64 }

/// <summary><c>prmt</c> modes: the default selector mode and the <c>.f4e .b4e .rc8 .ecl .ecr .rc16</c> modes.</summary>
public enum PrmtMode : byte { Default, F4e, B4e, Rc8, Ecl, Ecr, Rc16 }

/// <summary>Width and signedness of an <see cref="IntType"/>.</summary>
public static class IntTypes
{
    public static int Bits(this IntType t) => t switch
    {
        IntType.U8 or IntType.S8 => 8,
        IntType.U16 or IntType.S16 => 16,
        IntType.U32 or IntType.S32 => 32,
        _ => 64,
    };

    public static bool IsSigned(this IntType t) => t >= IntType.S8;

    /// <summary>Truncates <paramref name="bits"/> to the type's width, then sign- or zero-extends to 64 bits.</summary>
    public static ulong Normalize(this IntType t, ulong bits)
    {
        int shift = 64 - t.Bits();
        return t.IsSigned() ? (ulong)((long)(bits << shift) >> shift) : (bits << shift) >> shift;
    }
}
