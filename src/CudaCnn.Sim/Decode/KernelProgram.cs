using CudaCnn.Sim.Ptx;

namespace CudaCnn.Sim.Decode;

/// <summary>Special registers that are constant for a lane during a launch; filled once per warp.</summary>
internal enum SpecialReg : byte
{
    TidX, TidY, TidZ, NtidX, NtidY, NtidZ, CtaidX, CtaidY, CtaidZ, NctaidX, NctaidY, NctaidZ, LaneId, WarpId, NWarpId,
    LanemaskEq, LanemaskLt, LanemaskLe, LanemaskGt, LanemaskGe, Clock, Clock64, GlobalTimer, SmId, NSmId, GridId,
    DynamicSmemSize, TotalSmemSize,
}

/// <summary>A decoded function: where its code and registers live and how its frame is laid out.</summary>
internal sealed record FunctionInfo(string Name, int StartPc, int RegBase, int RegCount, long DepotSize, int[] ParamOffsets,
    int[] ParamSizes, int RetvalOffset, int RetvalSize, ulong Address);

/// <summary>What a report needs to name an instruction.</summary>
internal sealed record StatementInfo(string Function, string Text, int PtxLine, string? CuFile, int CuLine);

/// <summary>
/// One kernel ready to run: the entry and every function of the module decoded into one instruction array with one
/// register space, plus the layouts of its parameter, shared, local and per-lane call-parameter memory.
/// </summary>
internal sealed class KernelProgram
{
    public required string Name { get; init; }
    public required Instr[] Code { get; init; }
    public required int[] Lists { get; init; }
    public required StatementInfo[] Statements { get; init; }
    public required FunctionInfo[] Functions { get; init; }
    public required int EntryFunction { get; init; }
    /// <summary>Total register slots including constants and specials.</summary>
    public required int RegisterCount { get; init; }
    /// <summary>Register width in bits per slot (1 for predicates).</summary>
    public required byte[] RegisterBits { get; init; }
    public required (int Slot, ulong Value)[] Constants { get; init; }
    public required (int Slot, SpecialReg Reg)[] Specials { get; init; }
    /// <summary>Kernel parameter (offset, declared size) pairs in declaration order.</summary>
    public required (int Offset, int Size)[] Params { get; init; }
    public required int ParamBufferSize { get; init; }
    public required int StaticSharedBytes { get; init; }
    /// <summary>Offset where dynamic (extern) shared memory starts.</summary>
    public required int DynamicSharedOffset { get; init; }
    public required int LaneParamBytes { get; init; }
    public required long EntryDepotBytes { get; init; }
    /// <summary>Local bytes per thread the deepest call chain needs (depots only), or null for a recursive call graph.</summary>
    public required long? StackBytes { get; init; }
    public required int ScratchSlot { get; init; }
    /// <summary>Whether any instruction can touch local memory (depot address, call frames, ld/st.local).</summary>
    public required bool UsesLocalMemory { get; init; }

    public FunctionInfo? FunctionByAddress(ulong address)
    {
        foreach (var f in Functions) if (f.Address == address) return f;
        return null;
    }
}
