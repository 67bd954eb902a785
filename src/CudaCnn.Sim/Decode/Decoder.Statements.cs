using CudaCnn.Sim.Ptx;

namespace CudaCnn.Sim.Decode;

internal sealed partial class Decoder
{
    private sealed class Opcode
    {
        public required string Base;
        public readonly List<Ty> Types = [];
        public readonly HashSet<string> Mods = new(StringComparer.Ordinal);
        public Ty T0 => Types.Count > 0 ? Types[0] : Ty.None;
        public Ty T1 => Types.Count > 1 ? Types[1] : Ty.None;
        public bool Has(string m) => Mods.Contains(m);
    }

    private static Opcode SplitOpcode(string text)
    {
        var parts = text.Split('.');
        var op = new Opcode { Base = parts[0] };
        for (int i = 1; i < parts.Length; i++)
        {
            var t = TyInfo.Parse(parts[i]);
            if (t != Ty.None) op.Types.Add(t); else op.Mods.Add(parts[i]);
        }
        return op;
    }

    private static readonly HashSet<string> IgnoredMods = new(StringComparer.Ordinal)
    {
        "ca", "cg", "cs", "lu", "cv", "wb", "wt", "volatile", "relaxed", "acquire", "release", "acq_rel", "gpu", "sys",
        "cta", "weak", "uni", "sync", "aligned",
    };

    private static Rnd RoundingOf(Opcode op)
    {
        foreach (var m in op.Mods)
        {
            Rnd r = m switch
            {
                "rn" => Rnd.Rn, "rz" => Rnd.Rz, "rm" => Rnd.Rm, "rp" => Rnd.Rp, "rni" => Rnd.Rni, "rzi" => Rnd.Rzi,
                "rmi" => Rnd.Rmi, "rpi" => Rnd.Rpi, "rna" => Rnd.Rna, _ => Rnd.None,
            };
            if (r != Rnd.None) return r;
        }
        return Rnd.None;
    }

    private Instr DecodeStatement(PtxStatement s, FunctionContext ctx, out string? label)
    {
        label = null;
        var op = SplitOpcode(s.Opcode);
        var ins = new Instr { Guard = s.GuardReg < 0 ? -1 : ctx.RegBase + s.GuardReg, D = -1, D2 = -1, A = -1, B = -1, C = -1, E = -1, Type = op.T0 };
        if (s.GuardNegated) ins.Flags |= InstrFlags.GuardNegated;
        if (op.Has("ftz")) ins.Flags |= InstrFlags.Ftz;
        if (op.Has("sat")) ins.Flags |= InstrFlags.Sat;
        if (op.Has("approx") || op.Has("full")) ins.Flags |= InstrFlags.Approx;
        if (op.Has("full")) ins.Flags |= InstrFlags.Variant;
        if ((ins.Type is Ty.F16 or Ty.F16x2) && op.Base is not ("cvt" or "mov" or "ld" or "st" or "selp"))
            throw new PtxLoadException(s.Line, $"unsupported instruction '{s.Text}': half-precision arithmetic is not implemented");
        if (op.Has("uni")) ins.Flags |= InstrFlags.Uniform;
        var rnd = RoundingOf(op);
        if (rnd != Rnd.None) ins.Flags |= InstrFlags.HasRounding;
        ins.Mod = (byte)rnd;
        var o = s.Operands;
        int n = o.Length;

        Exception Unsupported(string why = "") =>
            new PtxLoadException(s.Line, $"unsupported instruction '{s.Text}'{(why.Length > 0 ? ": " + why : "")}");
        void Need(int count) { if (n != count) throw Unsupported($"expected {count} operands, found {n}"); }
        int Dst(Operand x) => x.Kind switch
        {
            OperandKind.Reg => ctx.RegBase + x.Reg,
            OperandKind.Sink => ctx.Scratch,
            _ => throw Unsupported("destination must be a register"),
        };
        int Src(Operand x) => Source(x, ctx, ins.Type, s, Unsupported);

        switch (op.Base)
        {
            case "mov":
                Need(2);
                if (o[1].Kind == OperandKind.Symbol && IsLocalDepot(o[1].Symbol!, ctx.Fn))
                {
                    ins.Op = Op.MovDepot; ins.D = Dst(o[0]);
                }
                else if (o[0].Kind == OperandKind.Vector)
                {
                    ins.Op = Op.Unpack; ins.A = Src(o[1]); ins.Target = AddList(o[0].Items.Select(Dst)); ins.Vec = (byte)o[0].Items.Length;
                }
                else if (o[1].Kind == OperandKind.Vector)
                {
                    ins.Op = Op.Pack; ins.D = Dst(o[0]); ins.Target = AddList(o[1].Items.Select(Src)); ins.Vec = (byte)o[1].Items.Length;
                }
                else { ins.Op = Op.Mov; ins.D = Dst(o[0]); ins.A = Src(o[1]); }
                break;
            case "add" or "sub" or "and" or "or" or "xor" or "min" or "max" or "div" or "rem" or "shl" or "shr" or "copysign":
                Need(3);
                ins.Op = op.Base switch
                {
                    "add" => Op.Add, "sub" => Op.Sub, "and" => Op.And, "or" => Op.Or, "xor" => Op.Xor, "min" => Op.Min,
                    "max" => Op.Max, "div" => Op.Div, "rem" => Op.Rem, "shl" => Op.Shl, "shr" => Op.Shr, _ => Op.Copysign,
                };
                if (op.Has("NaN") || op.Has("xorsign") || op.Has("relu")) throw Unsupported();
                if (op.Has("cc")) throw Unsupported("carry chains are not implemented");
                ins.D = Dst(o[0]); ins.A = Src(o[1]);
                ins.B = op.Base is "shl" or "shr" ? Source(o[2], ctx, Ty.U32, s, Unsupported) : Src(o[2]);
                break;
            case "mul":
                Need(3);
                ins.Op = op.Has("hi") ? Op.MulHi : op.Has("wide") ? Op.MulWide : Op.MulLo;
                if (op.Has("24")) throw Unsupported();
                ins.D = Dst(o[0]); ins.A = Src(o[1]); ins.B = Src(o[2]);
                break;
            case "mad" or "fma":
                Need(4);
                if (op.Has("cc") || op.Has("24")) throw Unsupported();
                ins.Op = TyInfo.IsFloat(ins.Type) ? Op.Fma : op.Has("hi") ? Op.MadHi : op.Has("wide") ? Op.MadWide : Op.MadLo;
                ins.D = Dst(o[0]); ins.A = Src(o[1]); ins.B = Src(o[2]);
                ins.C = ins.Op == Op.MadWide ? Source(o[3], ctx, WideType(ins.Type), s, Unsupported) : Src(o[3]);
                break;
            case "neg" or "abs" or "not" or "popc" or "clz" or "brev" or "rcp" or "sqrt" or "rsqrt" or "ex2" or "lg2" or "sin" or "cos" or "tanh" or "bfind":
                Need(2);
                ins.Op = op.Base switch
                {
                    "neg" => Op.Neg, "abs" => Op.Abs, "not" => Op.Not, "popc" => Op.Popc, "clz" => Op.Clz, "brev" => Op.Brev,
                    "rcp" => Op.Rcp, "sqrt" => Op.Sqrt, "rsqrt" => Op.Rsqrt, "ex2" => Op.Ex2, "lg2" => Op.Lg2, "sin" => Op.Sin,
                    "cos" => Op.Cos, "tanh" => Op.Tanh, _ => Op.Bfind,
                };
                if (op.Has("shiftamt")) ins.Flags |= InstrFlags.Variant;
                ins.D = Dst(o[0]); ins.A = Src(o[1]);
                break;
            case "bfe":
                Need(4);
                ins.Op = Op.Bfe; ins.D = Dst(o[0]); ins.A = Src(o[1]);
                ins.B = Source(o[2], ctx, Ty.U32, s, Unsupported); ins.C = Source(o[3], ctx, Ty.U32, s, Unsupported);
                break;
            case "bfi":
                Need(5);
                ins.Op = Op.Bfi; ins.D = Dst(o[0]); ins.A = Src(o[1]); ins.B = Src(o[2]);
                ins.C = Source(o[3], ctx, Ty.U32, s, Unsupported); ins.E = Source(o[4], ctx, Ty.U32, s, Unsupported);
                break;
            case "prmt":
                Need(4);
                if (op.Mods.Count > 0) throw Unsupported("only the default prmt mode is implemented");
                ins.Op = Op.Prmt; ins.D = Dst(o[0]); ins.A = Src(o[1]); ins.B = Src(o[2]); ins.C = Src(o[3]);
                break;
            case "shf":
                Need(4);
                ins.Op = Op.Shf; ins.D = Dst(o[0]); ins.A = Src(o[1]); ins.B = Src(o[2]); ins.C = Source(o[3], ctx, Ty.U32, s, Unsupported);
                ins.Mod = (byte)(op.Has("l") ? 0 : 1);
                if (op.Has("clamp")) ins.Flags |= InstrFlags.Variant;
                break;
            case "sad":
                Need(4);
                ins.Op = Op.Sad; ins.D = Dst(o[0]); ins.A = Src(o[1]); ins.B = Src(o[2]); ins.C = Src(o[3]);
                break;
            case "testp":
                Need(2);
                ins.Op = Op.Testp; ins.D = Dst(o[0]); ins.A = Src(o[1]);
                ins.Mod = (byte)(op.Has("finite") ? 0 : op.Has("infinite") ? 1 : op.Has("number") ? 2 : op.Has("notanumber") ? 3 : op.Has("normal") ? 4 : 5);
                break;
            case "setp":
                DecodeSetp(ref ins, op, o, Dst, Src, Unsupported);
                break;
            case "selp":
                Need(4);
                ins.Op = Op.Selp; ins.D = Dst(o[0]); ins.A = Src(o[1]); ins.B = Src(o[2]);
                ins.C = Source(o[3], ctx, Ty.Pred, s, Unsupported);
                break;
            case "cvt":
                Need(2);
                ins.Op = Op.Cvt; ins.Type = op.T0; ins.Type2 = op.T1;
                if (op.Types.Count != 2) throw Unsupported();
                ins.D = Dst(o[0]);
                if (ins.Type == Ty.F16x2)
                {
                    Need(3);
                    ins.A = Source(o[1], ctx, Ty.F32, s, Unsupported); ins.B = Source(o[2], ctx, Ty.F32, s, Unsupported);
                }
                else ins.A = Source(o[1], ctx, ins.Type2, s, Unsupported);
                break;
            case "cvta":
                Need(2);
                ins.Op = op.Has("to") ? Op.CvtaFromGeneric : Op.CvtaToGeneric;
                ins.Space = SpaceFromMods(op);
                if (ins.Space is Space.None or Space.Generic) throw Unsupported("cvta needs a state space");
                ins.D = Dst(o[0]); ins.A = Src(o[1]);
                break;
            case "ld" or "st" or "ldu":
                DecodeLdSt(ref ins, op, s, ctx, Dst, Unsupported);
                break;
            case "atom" or "red":
                DecodeAtom(ref ins, op, s, ctx, Dst, Unsupported);
                break;
            case "bra":
                Need(1);
                if (o[0].Kind != OperandKind.Symbol) throw Unsupported("branch target must be a label");
                ins.Op = Op.Bra; label = o[0].Symbol;
                break;
            case "ret":
                ins.Op = ctx.Fn.IsEntry ? Op.Exit : Op.Ret;
                break;
            case "exit":
                ins.Op = Op.Exit;
                break;
            case "trap":
                ins.Op = Op.Trap;
                break;
            case "membar" or "fence":
                ins.Op = Op.Membar;
                break;
            case "bar" or "barrier":
                if (op.Has("warp"))
                {
                    Need(1); ins.Op = Op.BarWarpSync; ins.A = Source(o[0], ctx, Ty.U32, s, Unsupported);
                }
                else
                {
                    if (op.Has("arrive") || op.Has("red")) throw Unsupported("only bar.sync is implemented");
                    if (n != 1) throw Unsupported("bar.sync with a thread count is not implemented");
                    if (o[0].Kind != OperandKind.Imm || o[0].Imm != 0) throw Unsupported("only barrier 0 is implemented");
                    ins.Op = Op.BarSync;
                }
                break;
            case "shfl":
                Need(5);
                if (!op.Has("sync")) throw Unsupported("shfl without .sync is not supported on sm_70+");
                ins.Op = Op.Shfl;
                ins.Mod = (byte)(op.Has("up") ? ShflMode.Up : op.Has("down") ? ShflMode.Down : op.Has("bfly") ? ShflMode.Bfly : ShflMode.Idx);
                if (o[0].Kind == OperandKind.Pair) { ins.D = Dst(o[0].Items[0]); ins.D2 = Dst(o[0].Items[1]); }
                else ins.D = Dst(o[0]);
                ins.A = Src(o[1]); ins.B = Source(o[2], ctx, Ty.U32, s, Unsupported);
                ins.C = Source(o[3], ctx, Ty.U32, s, Unsupported); ins.E = Source(o[4], ctx, Ty.U32, s, Unsupported);
                break;
            case "vote":
                Need(3);
                if (!op.Has("sync")) throw Unsupported("vote without .sync is not supported on sm_70+");
                ins.Op = Op.Vote;
                ins.Mod = (byte)(op.Has("all") ? VoteMode.All : op.Has("any") ? VoteMode.Any : op.Has("uni") ? VoteMode.Uni : VoteMode.Ballot);
                ins.D = Dst(o[0]); ins.A = Source(o[1], ctx, Ty.Pred, s, Unsupported); ins.B = Source(o[2], ctx, Ty.U32, s, Unsupported);
                if (o[1].Kind == OperandKind.NegPred) ins.Flags |= InstrFlags.Variant;
                break;
            case "match":
                Need(3);
                ins.Op = Op.Match; ins.Mod = (byte)(op.Has("all") ? 1 : 0);
                if (o[0].Kind == OperandKind.Pair) { ins.D = Dst(o[0].Items[0]); ins.D2 = Dst(o[0].Items[1]); }
                else ins.D = Dst(o[0]);
                ins.A = Src(o[1]); ins.B = Source(o[2], ctx, Ty.U32, s, Unsupported);
                break;
            case "redux":
                Need(3);
                ins.Op = Op.Redux;
                ins.Mod = (byte)(op.Has("add") ? ReduxOp.Add : op.Has("min") ? ReduxOp.Min : op.Has("max") ? ReduxOp.Max
                    : op.Has("and") ? ReduxOp.And : op.Has("or") ? ReduxOp.Or : ReduxOp.Xor);
                ins.D = Dst(o[0]); ins.A = Src(o[1]); ins.B = Source(o[2], ctx, Ty.U32, s, Unsupported);
                break;
            case "activemask":
                Need(1);
                ins.Op = Op.Activemask; ins.D = Dst(o[0]);
                break;
            case "call":
                DecodeCall(ref ins, o, ctx, s, Unsupported);
                break;
            case "cp":
                DecodeCpAsync(ref ins, op, o, ctx, s, Unsupported);
                break;
            default:
                throw Unsupported();
        }
        return ins;
    }

    private static Ty WideType(Ty t) => t switch { Ty.S16 => Ty.S32, Ty.U16 => Ty.U32, Ty.S32 => Ty.S64, _ => Ty.U64 };

    private static bool IsLocalDepot(string name, PtxFunction fn) =>
        fn.BodyVars.Any(v => v.Space == StateSpace.Local && v.Name == name);

    private static Space SpaceFromMods(Opcode op) =>
        op.Has("global") ? Space.Global : op.Has("shared") ? Space.Shared : op.Has("local") ? Space.Local
        : op.Has("const") ? Space.Const : op.Has("param") ? Space.ParamKernel : Space.Generic;

    private void DecodeSetp(ref Instr ins, Opcode op, Operand[] o, Func<Operand, int> dst, Func<Operand, int> src, Func<string, Exception> unsupported)
    {
        if (o.Length != 3) throw unsupported("setp with a combining predicate is not implemented");
        CmpOp? cmp = null;
        foreach (var m in op.Mods)
        {
            cmp ??= m switch
            {
                "eq" => CmpOp.Eq, "ne" => CmpOp.Ne, "lt" => CmpOp.Lt, "le" => CmpOp.Le, "gt" => CmpOp.Gt, "ge" => CmpOp.Ge,
                "equ" => CmpOp.Equ, "neu" => CmpOp.Neu, "ltu" => CmpOp.Ltu, "leu" => CmpOp.Leu, "gtu" => CmpOp.Gtu,
                "geu" => CmpOp.Geu, "num" => CmpOp.Num, "nan" => CmpOp.Nan, "lo" => CmpOp.Lt, "ls" => CmpOp.Le,
                "hi" => CmpOp.Gt, "hs" => CmpOp.Ge, _ => null,
            };
        }
        if (cmp is null) throw unsupported("no comparison operator");
        ins.Op = Op.Setp;
        ins.Mod = (byte)cmp.Value;
        if (op.Mods.Contains("lo") || op.Mods.Contains("ls") || op.Mods.Contains("hi") || op.Mods.Contains("hs"))
            ins.Type = TyInfo.Bytes(ins.Type) == 8 ? Ty.U64 : Ty.U32;
        if (o[0].Kind == OperandKind.Pair) { ins.D = dst(o[0].Items[0]); ins.D2 = dst(o[0].Items[1]); }
        else ins.D = dst(o[0]);
        ins.A = src(o[1]);
        ins.B = src(o[2]);
    }

    private int AddList(IEnumerable<int> items)
    {
        int start = _lists.Count;
        _lists.AddRange(items);
        return start;
    }

    /// <summary>Resolves a source operand to a register slot (constants and specials get their own slots).</summary>
    private int Source(Operand x, FunctionContext ctx, Ty type, PtxStatement s, Func<string, Exception> unsupported)
    {
        switch (x.Kind)
        {
            case OperandKind.Reg: return ctx.RegBase + x.Reg;
            case OperandKind.NegPred: return ctx.RegBase + x.Reg;
            case OperandKind.Imm:
                ulong v = x.Imm;
                if (x.FloatKind == 'd' && type == Ty.F32) v = BitConverter.SingleToUInt32Bits((float)BitConverter.UInt64BitsToDouble(v));
                else if (x.FloatKind == 'f' && type == Ty.F64) v = BitConverter.DoubleToUInt64Bits(BitConverter.UInt32BitsToSingle((uint)v));
                return ConstSlot(v);
            case OperandKind.Symbol:
                string name = x.Symbol!;
                if (ParseSpecial(name) is { } sr) return SpecialSlot(sr);
                if (name.StartsWith('%') && name.Length > 1 && char.IsAsciiLetter(name[1]) && name.Contains('.'))
                    throw unsupported($"special register {name}");
                return ConstSlot(SymbolValue(name, ctx, s, unsupported));
            default:
                throw unsupported("unexpected operand");
        }
    }

    /// <summary>Value of a symbol used as an operand: the address in its own state space.</summary>
    private ulong SymbolValue(string name, FunctionContext ctx, PtxStatement s, Func<string, Exception> unsupported)
    {
        if (_sharedOffsets.TryGetValue(name, out int shared)) return (ulong)shared;
        if (_moduleSymbols.TryGetValue(name, out var addr)) return addr.Address;
        if (_functionIndex.TryGetValue(name, out int fi)) return FunctionAddress(fi);
        throw unsupported($"unknown symbol '{name}'");
    }
}
