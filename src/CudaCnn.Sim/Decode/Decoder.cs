using CudaCnn.Sim.Ptx;

namespace CudaCnn.Sim.Decode;

/// <summary>Rounding modifiers as written: float (.rn .rz .rm .rp), integer (.rni …) and .rna (tf32).</summary>
internal enum Rnd : byte { None, Rn, Rz, Rm, Rp, Rni, Rzi, Rmi, Rpi, Rna }

/// <summary>Where a module-level symbol lives, for resolving symbol operands.</summary>
internal readonly record struct SymbolAddress(StateSpace Space, ulong Address);

/// <summary>
/// Turns the parsed module into a <see cref="KernelProgram"/> for one entry. Everything the executor would otherwise
/// look up by name (registers, labels, symbols, parameter offsets, immediates) is resolved here; PTX the executor
/// does not implement is rejected with the instruction and its line.
/// </summary>
internal sealed partial class Decoder
{
    public const ulong FunctionAddressBase = 0x00F0_0000_0000_0000;

    private readonly PtxModuleAst _ast;
    private readonly IReadOnlyDictionary<string, SymbolAddress> _moduleSymbols;
    private readonly List<Instr> _code = [];
    private readonly List<int> _lists = [];
    private readonly List<StatementInfo> _stmts = [];
    private readonly List<byte> _regBits = [];
    private readonly Dictionary<ulong, int> _constSlots = [];
    private readonly List<(int, ulong)> _constants = [];
    private readonly Dictionary<SpecialReg, int> _specialSlots = [];
    private readonly Dictionary<string, int> _sharedOffsets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _laneParamOffsets = new(StringComparer.Ordinal);
    private readonly List<PtxFunction> _functions = [];
    private readonly Dictionary<string, int> _functionIndex = new(StringComparer.Ordinal);
    private int _dynamicSharedOffset;

    private Decoder(PtxModuleAst ast, IReadOnlyDictionary<string, SymbolAddress> moduleSymbols)
    {
        _ast = ast;
        _moduleSymbols = moduleSymbols;
    }

    public static ulong FunctionAddress(int index) => FunctionAddressBase + (ulong)index * 16;

    /// <summary>The fake addresses every function with a body gets, for function-pointer initializers.</summary>
    public static Dictionary<string, ulong> FunctionAddresses(PtxModuleAst ast)
    {
        var result = new Dictionary<string, ulong>(StringComparer.Ordinal);
        int i = 0;
        foreach (var f in ast.Functions.Values)
            if (f.HasBody && !f.IsEntry) result[f.Name] = FunctionAddress(i++);
        return result;
    }

    public static KernelProgram Decode(PtxModuleAst ast, string entry, IReadOnlyDictionary<string, SymbolAddress> moduleSymbols)
    {
        if (!ast.Functions.TryGetValue(entry, out var fn) || !fn.IsEntry)
            throw new ArgumentException($"the module has no kernel named '{entry}'", nameof(entry));
        return new Decoder(ast, moduleSymbols).Build(fn);
    }

    private KernelProgram Build(PtxFunction entry)
    {
        // Device functions first, in FunctionAddresses order so function pointers from initializers resolve;
        // then the entry. Other kernels of the module are not part of this program.
        foreach (var f in _ast.Functions.Values.Where(f => f.HasBody && !f.IsEntry).Append(entry))
        {
            _functionIndex[f.Name] = _functions.Count;
            _functions.Add(f);
        }
        int sharedEnd = LayoutShared(entry);
        int laneParamBytes = LayoutLaneParams();
        var regBases = new int[_functions.Count];
        for (int i = 0; i < _functions.Count; i++)
        {
            regBases[i] = _regBits.Count;
            foreach (var r in _functions[i].Registers) _regBits.Add((byte)r.Bits);
        }
        int scratch = _regBits.Count;
        _regBits.Add(64);

        var kernelParams = new (int Offset, int Size)[entry.Params.Count];
        int pOff = 0;
        for (int i = 0; i < entry.Params.Count; i++)
        {
            var p = entry.Params[i];
            pOff = Align(pOff, p.Align);
            kernelParams[i] = (pOff, (int)p.Size);
            pOff += (int)p.Size;
        }

        var infos = new FunctionInfo[_functions.Count];
        var fixups = new List<(int Pc, string Label, PtxFunction Fn)>();
        for (int i = 0; i < _functions.Count; i++)
        {
            var f = _functions[i];
            int start = _code.Count;
            var ctx = new FunctionContext(f, regBases[i], scratch, f == entry ? kernelParams : null);
            foreach (var s in f.Statements)
            {
                _stmts.Add(new StatementInfo(f.Name, s.Text, s.Line, s.Loc is null ? null : _ast.Files.GetValueOrDefault(s.Loc.File), s.Loc?.Line ?? 0));
                var ins = DecodeStatement(s, ctx, out string? label);
                ins.Stmt = _stmts.Count - 1;
                if (label is not null) fixups.Add((_code.Count, label, f));
                _code.Add(ins);
            }
            // A function that falls off its end returns.
            _stmts.Add(new StatementInfo(f.Name, "ret (implicit)", f.Line, null, 0));
            _code.Add(new Instr { Op = f.IsEntry ? Op.Exit : Op.Ret, Guard = -1, Stmt = _stmts.Count - 1 });
            long depot = f.BodyVars.Where(v => v.Space == StateSpace.Local).Sum(v => Align(v.Size, 16));
            var (offs, sizes) = ParamLayout(f);
            int retOff = f.ReturnParams.Count > 0 ? _laneParamOffsets[f.ReturnParams[0].Name + "@" + f.Name] : -1;
            int retSize = f.ReturnParams.Count > 0 ? (int)f.ReturnParams[0].Size : 0;
            infos[i] = new FunctionInfo(f.Name, start, regBases[i], f.Registers.Count, depot, offs, sizes, retOff, retSize, FunctionAddress(i));
        }
        var code = _code.ToArray();
        foreach (var (pc, label, f) in fixups)
        {
            if (!f.Labels.TryGetValue(label, out int stmtIndex))
                throw new PtxLoadException(_ast.Functions[f.Name].Statements[pc - infos[_functionIndex[f.Name]].StartPc].Line, $"unknown label '{label}'");
            code[pc].Target = infos[_functionIndex[f.Name]].StartPc + stmtIndex;
        }
        for (int i = 0; i < code.Length; i++) Classify(ref code[i]);
        int entryIndex = _functionIndex[entry.Name];
        var specials = _specialSlots.Select(kv => (kv.Value, kv.Key)).ToArray();
        return new KernelProgram
        {
            Name = entry.Name,
            Code = code,
            Lists = _lists.ToArray(),
            Statements = _stmts.ToArray(),
            Functions = infos,
            EntryFunction = entryIndex,
            RegisterCount = _regBits.Count,
            RegisterBits = _regBits.ToArray(),
            Constants = _constants.ToArray(),
            Specials = specials,
            Params = kernelParams,
            ParamBufferSize = Align(pOff, 8),
            StaticSharedBytes = sharedEnd,
            DynamicSharedOffset = _dynamicSharedOffset,
            LaneParamBytes = laneParamBytes,
            EntryDepotBytes = infos[entryIndex].DepotSize,
            StackBytes = StackSize.Of(code, infos, entryIndex),
            ScratchSlot = scratch,
            UsesLocalMemory = code.Any(i => i.Op is Op.MovDepot or Op.Call || i.Space == Space.Local),
        };
    }

    /// <summary>Precomputes the fast path and the counters an instruction feeds, so the executor does not decide per step.</summary>
    private static void Classify(ref Instr ins)
    {
        ins.Fast = Exec.FastOps.Classify(ins);
        bool f32 = ins.Type == Ty.F32, f64 = ins.Type == Ty.F64;
        ins.Family = ins.Op switch
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
        // FLOPs as Nsight's flop_count: add, sub and mul count 1, fma 2 (f32 and f64 separately).
        ins.FlopsPerLane = (byte)(ins.Op switch
        {
            Op.Add or Op.Sub or Op.MulLo when f32 || f64 => 1,
            Op.Fma when f32 || f64 => 2,
            _ => 0,
        });
        ins.FlopCounter = f64 ? Counter.Flops64 : Counter.Flops32;
    }

    private (int[] Offsets, int[] Sizes) ParamLayout(PtxFunction f)
    {
        var ps = f.Params;
        var offs = new int[ps.Count];
        var sizes = new int[ps.Count];
        for (int i = 0; i < ps.Count; i++)
        {
            offs[i] = f.IsEntry ? -1 : _laneParamOffsets[ps[i].Name + "@" + f.Name];
            sizes[i] = (int)ps[i].Size;
        }
        return (offs, sizes);
    }

    private static int Align(int v, int a) => a <= 1 ? v : (v + a - 1) / a * a;
    private static long Align(long v, long a) => a <= 1 ? v : (v + a - 1) / a * a;

    /// <summary>Static shared variables of the module and of every function get distinct offsets; dynamic after them.</summary>
    private int LayoutShared(PtxFunction entry)
    {
        int off = 0;
        int maxAlign = 16;
        IEnumerable<VarDecl> vars = _ast.Globals.Where(g => g.Space == StateSpace.Shared);
        foreach (var f in _functions)
            if (!f.IsEntry || f == entry) vars = vars.Concat(f.BodyVars.Where(v => v.Space == StateSpace.Shared));
        foreach (var v in vars)
        {
            if (v.ExternDynamic || v.Size == 0) { maxAlign = Math.Max(maxAlign, v.Align); continue; }
            off = Align(off, v.Align);
            _sharedOffsets[v.Name] = off;
            off += (int)v.Size;
        }
        _dynamicSharedOffset = Align(off, maxAlign);
        foreach (var v in _ast.Globals.Where(g => g.Space == StateSpace.Shared && (g.ExternDynamic || g.Size == 0)))
            _sharedOffsets[v.Name] = _dynamicSharedOffset;
        return off;
    }

    /// <summary>Every .func parameter, return value and call-sequence .param gets a slot in the per-lane area.</summary>
    private int LayoutLaneParams()
    {
        int off = 0;
        foreach (var f in _functions)
        {
            IEnumerable<VarDecl> vars = f.BodyVars.Where(v => v.Space == StateSpace.Param);
            if (!f.IsEntry) vars = vars.Concat(f.Params).Concat(f.ReturnParams);
            foreach (var v in vars)
            {
                off = Align(off, Math.Max(v.Align, 1));
                _laneParamOffsets[v.Name + "@" + f.Name] = off;
                off += (int)Math.Max(v.Size, 1);
            }
        }
        return Align(off, 16);
    }

    private sealed record FunctionContext(PtxFunction Fn, int RegBase, int Scratch, (int Offset, int Size)[]? KernelParams);

    private int ConstSlot(ulong value)
    {
        if (_constSlots.TryGetValue(value, out int slot)) return slot;
        slot = _regBits.Count;
        _regBits.Add(64);
        _constSlots[value] = slot;
        _constants.Add((slot, value));
        return slot;
    }

    private int SpecialSlot(SpecialReg reg)
    {
        if (_specialSlots.TryGetValue(reg, out int slot)) return slot;
        slot = _regBits.Count;
        _regBits.Add(64);
        _specialSlots[reg] = slot;
        return slot;
    }

    private static SpecialReg? ParseSpecial(string name) => name switch
    {
        "%tid.x" => SpecialReg.TidX, "%tid.y" => SpecialReg.TidY, "%tid.z" => SpecialReg.TidZ,
        "%ntid.x" => SpecialReg.NtidX, "%ntid.y" => SpecialReg.NtidY, "%ntid.z" => SpecialReg.NtidZ,
        "%ctaid.x" => SpecialReg.CtaidX, "%ctaid.y" => SpecialReg.CtaidY, "%ctaid.z" => SpecialReg.CtaidZ,
        "%nctaid.x" => SpecialReg.NctaidX, "%nctaid.y" => SpecialReg.NctaidY, "%nctaid.z" => SpecialReg.NctaidZ,
        "%laneid" => SpecialReg.LaneId, "%warpid" => SpecialReg.WarpId, "%nwarpid" => SpecialReg.NWarpId,
        "%lanemask_eq" => SpecialReg.LanemaskEq, "%lanemask_lt" => SpecialReg.LanemaskLt,
        "%lanemask_le" => SpecialReg.LanemaskLe, "%lanemask_gt" => SpecialReg.LanemaskGt,
        "%lanemask_ge" => SpecialReg.LanemaskGe, "%clock" => SpecialReg.Clock, "%clock64" => SpecialReg.Clock64,
        "%globaltimer" => SpecialReg.GlobalTimer, "%smid" => SpecialReg.SmId, "%nsmid" => SpecialReg.NSmId,
        "%gridid" => SpecialReg.GridId, "%dynamic_smem_size" => SpecialReg.DynamicSmemSize,
        "%total_smem_size" => SpecialReg.TotalSmemSize,
        _ => null,
    };
}
