namespace CudaCnn.Sim.Ptx;

internal enum StateSpace : byte { None, Reg, Param, Global, Const, Shared, Local, Generic }

internal enum OperandKind : byte { Reg, Imm, Symbol, Address, Vector, List, Pair, Sink, NegPred }

/// <summary>A parsed operand. Registers are already resolved to function-wide indices by scope.</summary>
internal sealed record Operand(OperandKind Kind)
{
    public int Reg { get; init; } = -1;
    public ulong Imm { get; init; }
    /// <summary>True for 0f/0d literals: the immediate holds float (0f) or double (0d) bits.</summary>
    public char FloatKind { get; init; }
    public string? Symbol { get; init; }
    /// <summary>Address base (register or symbol) and byte offset.</summary>
    public Operand? Base { get; init; }
    public long Offset { get; init; }
    public Operand[] Items { get; init; } = [];

    public static Operand Register(int index) => new(OperandKind.Reg) { Reg = index };
}

internal sealed record RegisterDecl(string Name, string Type, int Bits);

/// <summary>A variable in a state space: module .global/.const/.shared, function .local/.shared or a .param.</summary>
internal sealed record VarDecl(string Name, StateSpace Space, string Type, int Align, long Size, bool ExternDynamic)
{
    public byte[]? Init { get; set; }
    /// <summary>Initializer words that name functions or variables: (byte offset, element size, symbol).</summary>
    public List<(long Offset, int Size, string Symbol)> SymbolInit { get; } = [];
}

internal sealed record SourceLoc(int File, int Line, int Column);

internal sealed record PtxStatement(string Opcode, Operand[] Operands, int GuardReg, bool GuardNegated, int Line, SourceLoc? Loc)
{
    /// <summary>The source text of the instruction as written in the PTX (for reports).</summary>
    public string Text { get; init; } = "";
}

internal sealed class PtxFunction(string name, bool isEntry, int line)
{
    public string Name { get; } = name;
    public bool IsEntry { get; } = isEntry;
    public int Line { get; } = line;
    public List<VarDecl> Params { get; } = [];
    public List<VarDecl> ReturnParams { get; } = [];
    public List<RegisterDecl> Registers { get; } = [];
    /// <summary>.local, .shared and callseq .param variables declared in the body, by unique key.</summary>
    public List<VarDecl> BodyVars { get; } = [];
    public List<PtxStatement> Statements { get; } = [];
    /// <summary>Label name to the index of the statement it precedes.</summary>
    public Dictionary<string, int> Labels { get; } = new(StringComparer.Ordinal);
    public bool HasBody { get; set; }
}

internal sealed class PtxModuleAst
{
    public int AddressSize { get; set; } = 64;
    public string Target { get; set; } = "";
    public Dictionary<string, PtxFunction> Functions { get; } = new(StringComparer.Ordinal);
    public List<VarDecl> Globals { get; } = [];
    public Dictionary<int, string> Files { get; } = [];
}
