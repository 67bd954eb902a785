namespace CudaCnn.Sim;

/// <summary>The kinds of error the software GPU reports.</summary>
public enum SimViolationKind
{
    OutOfBounds,
    Misaligned,
    InvalidAddress,
    UninitializedRead,
    DivergentBarrier,
    InvalidCollective,
    Deadlock,
    RaceReadAfterWrite,
    RaceWriteAfterRead,
    RaceWriteAfterWrite,
    Trap,
    DivisionByZero,
    Unsupported,
    StackOverflow,
}

/// <summary>
/// A checker found a bug in a kernel (or the kernel trapped). The message names the kernel, block, thread, PTX
/// instruction and line, the .cu source line (when compiled with -lineinfo), the address and the nearest allocation.
/// </summary>
public sealed class SimViolationException : Exception
{
    public SimViolationKind Kind { get; }
    public string Kernel { get; }
    public (uint X, uint Y, uint Z) Block { get; }
    public (uint X, uint Y, uint Z) Thread { get; }
    public string Instruction { get; }
    public int PtxLine { get; }
    /// <summary>"file.cu:line" when the PTX carries .loc information, else null.</summary>
    public string? SourceLocation { get; }
    public ulong? Address { get; }

    internal SimViolationException(SimViolationKind kind, string kernel, (uint, uint, uint) block, (uint, uint, uint) thread,
        string instruction, int ptxLine, string? sourceLocation, ulong? address, string detail)
        : base(Format(kind, kernel, block, thread, instruction, ptxLine, sourceLocation, detail))
    {
        Kind = kind;
        Kernel = kernel;
        Block = block;
        Thread = thread;
        Instruction = instruction;
        PtxLine = ptxLine;
        SourceLocation = sourceLocation;
        Address = address;
    }

    private static string Format(SimViolationKind kind, string kernel, (uint X, uint Y, uint Z) b, (uint X, uint Y, uint Z) t,
        string instruction, int line, string? src, string detail) =>
        $"{kind} in kernel {kernel}: {detail}\n  by thread ({t.X},{t.Y},{t.Z}) in block ({b.X},{b.Y},{b.Z})\n" +
        $"  at PTX line {line}: {instruction}{(src is null ? "" : $"\n  source {src}")}";
}
