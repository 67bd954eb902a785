using CudaCnn.Sim.Memory;
using CudaCnn.Sim.Ptx;

namespace CudaCnn.Sim.Decode;

internal sealed partial class Decoder
{
    private void DecodeLdSt(ref Instr ins, Opcode op, PtxStatement s, FunctionContext ctx, Func<Operand, int> dst, Func<string, Exception> unsupported)
    {
        var o = s.Operands;
        if (o.Length != 2) throw unsupported("expected 2 operands");
        ins.Op = op.Base == "st" ? Op.St : Op.Ld;
        ins.Space = SpaceFromMods(op);
        foreach (var m in op.Mods)
            if (!IgnoredMods.Contains(m) && m is not ("global" or "shared" or "local" or "const" or "param" or "nc" or "v2" or "v4"))
                throw unsupported($"modifier .{m}");
        if (op.Has("nc")) ins.Flags |= InstrFlags.NonCoherent;
        ins.Vec = (byte)(op.Has("v4") ? 4 : op.Has("v2") ? 2 : 1);
        if (TyInfo.Bytes(ins.Type) == 0) throw unsupported("bad type");
        var addr = ins.Op == Op.Ld ? o[1] : o[0];
        var val = ins.Op == Op.Ld ? o[0] : o[1];
        if (addr.Kind != OperandKind.Address) throw unsupported("expected an address operand");
        ResolveAddress(ref ins, addr, ctx, unsupported);
        if (ins.Vec > 1)
        {
            if (val.Kind != OperandKind.Vector || val.Items.Length != ins.Vec) throw unsupported("vector operand size mismatch");
            bool isLoad = ins.Op == Op.Ld;
            var type = ins.Type;
            ins.Target = AddList(val.Items.Select(x => isLoad ? dst(x) : Source(x, ctx, type, s, unsupported)));
        }
        else if (ins.Op == Op.Ld) ins.D = dst(val);
        else ins.B = Source(val, ctx, ins.Type, s, unsupported);
    }

    private void ResolveAddress(ref Instr ins, Operand addr, FunctionContext ctx, Func<string, Exception> unsupported)
    {
        ins.Offset = addr.Offset;
        var b = addr.Base;
        if (b is null) { ins.A = ConstSlot(0); return; }
        if (b.Kind == OperandKind.Reg) { ins.A = ctx.RegBase + b.Reg; return; }
        if (b.Kind != OperandKind.Symbol) throw unsupported("bad address base");
        string name = b.Symbol!;
        if (ins.Space == Space.ParamKernel)
        {
            int ki = ctx.Fn.Params.FindIndex(p => p.Name == name);
            if (ctx.KernelParams is not null && ki >= 0)
            {
                ins.A = ConstSlot(0);
                ins.Offset += ctx.KernelParams[ki].Offset;
                return;
            }
            if (_laneParamOffsets.TryGetValue(name + "@" + ctx.Fn.Name, out int lane))
            {
                ins.Space = Space.ParamLane;
                ins.A = ConstSlot(0);
                ins.Offset += lane;
                return;
            }
            throw unsupported($"unknown parameter '{name}'");
        }
        if (_sharedOffsets.TryGetValue(name, out int shared))
        {
            if (ins.Space is not (Space.Shared or Space.Generic)) throw unsupported($"'{name}' is a shared variable");
            ins.A = ConstSlot(ins.Space == Space.Generic ? AddressMap.SharedWindow + (ulong)shared : (ulong)shared);
            return;
        }
        if (_moduleSymbols.TryGetValue(name, out var sym))
        {
            ins.A = ConstSlot(sym.Address);
            return;
        }
        throw unsupported($"unknown symbol '{name}' in an address");
    }

    private void DecodeAtom(ref Instr ins, Opcode op, PtxStatement s, FunctionContext ctx, Func<Operand, int> dst, Func<string, Exception> unsupported)
    {
        var o = s.Operands;
        bool red = op.Base == "red";
        ins.Op = Op.Atom;
        ins.Space = SpaceFromMods(op);
        AtomOp? a = null;
        foreach (var m in op.Mods)
        {
            AtomOp? x = m switch
            {
                "add" => AtomOp.Add, "min" => AtomOp.Min, "max" => AtomOp.Max, "inc" => AtomOp.Inc, "dec" => AtomOp.Dec,
                "and" => AtomOp.And, "or" => AtomOp.Or, "xor" => AtomOp.Xor, "exch" => AtomOp.Exch, "cas" => AtomOp.Cas,
                _ => null,
            };
            if (x is not null) a = x;
            else if (!IgnoredMods.Contains(m) && m is not ("global" or "shared")) throw unsupported($"modifier .{m}");
        }
        if (a is null) throw unsupported("no atomic operation");
        if (ins.Type is Ty.F16 or Ty.F16x2) throw unsupported("half-precision atomics are not implemented");
        ins.Mod = (byte)a.Value;
        int first = red ? 0 : 1;
        int expected = first + (a == AtomOp.Cas ? 3 : 2);
        if (o.Length != expected) throw unsupported($"expected {expected} operands");
        ins.D = red ? ctx.Scratch : dst(o[0]);
        if (o[first].Kind != OperandKind.Address) throw unsupported("expected an address operand");
        ResolveAddress(ref ins, o[first], ctx, unsupported);
        ins.B = Source(o[first + 1], ctx, ins.Type, s, unsupported);
        if (a == AtomOp.Cas) ins.C = Source(o[first + 2], ctx, ins.Type, s, unsupported);
    }

    /// <summary>
    /// call (ret), f, (args) [, prototype]: the list holds the return variable's lane-param offset (or -1), the
    /// argument count and each argument's offset and size.
    /// </summary>
    private void DecodeCall(ref Instr ins, Operand[] o, FunctionContext ctx, PtxStatement s, Func<string, Exception> unsupported)
    {
        int i = 0;
        Operand? ret = null;
        if (o.Length > 0 && o[0].Kind == OperandKind.List) { ret = o[0]; i = 1; }
        if (i >= o.Length) throw unsupported("missing callee");
        var callee = o[i++];
        var args = i < o.Length && o[i].Kind == OperandKind.List ? o[i].Items : [];
        ins.Op = Op.Call;
        if (callee.Kind == OperandKind.Symbol)
        {
            if (!_functionIndex.TryGetValue(callee.Symbol!, out int fi))
                throw unsupported($"call to '{callee.Symbol}', which has no body in this module (printf/assert are not implemented)");
            ins.Target = -1;
            ins.E = fi;
        }
        else if (callee.Kind == OperandKind.Reg)
        {
            ins.Target = -1;
            ins.E = -1;
            ins.A = ctx.RegBase + callee.Reg;
        }
        else throw unsupported("bad callee");
        int LaneOffset(Operand x)
        {
            if (x.Kind != OperandKind.Symbol || !_laneParamOffsets.TryGetValue(x.Symbol + "@" + ctx.Fn.Name, out int off))
                throw unsupported("call arguments must be .param variables");
            return off;
        }
        int SizeOf(Operand x) => (int)ctx.Fn.BodyVars.First(v => v.Name == x.Symbol).Size;
        var list = new List<int> { ret is { Items.Length: > 0 } ? LaneOffset(ret.Items[0]) : -1, args.Length };
        foreach (var a in args) { list.Add(LaneOffset(a)); list.Add(SizeOf(a)); }
        ins.Target = AddList(list);
    }

    private void DecodeCpAsync(ref Instr ins, Opcode op, Operand[] o, FunctionContext ctx, PtxStatement s, Func<string, Exception> unsupported)
    {
        if (!op.Has("async")) throw unsupported("");
        if (op.Has("commit_group")) { ins.Op = Op.CpAsyncCommit; return; }
        if (op.Has("wait_group") || op.Has("wait_all"))
        {
            ins.Op = Op.CpAsyncWait;
            ins.Offset = op.Has("wait_all") ? 0 : (long)o[0].Imm;
            return;
        }
        if (o.Length < 3 || o[0].Kind != OperandKind.Address || o[1].Kind != OperandKind.Address || o[2].Kind != OperandKind.Imm)
            throw unsupported("expected [dst], [src], size");
        ins.Op = Op.CpAsync;
        ins.Space = Space.Shared;
        ResolveAddress(ref ins, o[0], ctx, unsupported);
        ins.C = ins.A;
        ins.E = (int)ins.Offset;
        var src = new Instr { Space = Space.Global };
        ResolveAddress(ref src, o[1], ctx, unsupported);
        ins.A = src.A;
        ins.Offset = src.Offset;
        ins.Vec = (byte)o[2].Imm;
        ins.B = o.Length > 3 ? Source(o[3], ctx, Ty.U32, s, unsupported) : ConstSlot(o[2].Imm);
    }
}
