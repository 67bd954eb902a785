using CudaCnn.Runtime;
using CudaCnn.Sim.Decode;
using CudaCnn.Sim.Memory;

namespace CudaCnn.Sim.Exec;

/// <summary>
/// Everything constant during one launch, shared by all CTAs (read-only while they run). One per
/// <see cref="SimGpu"/>, refilled by each launch, so a launch allocates nothing here.
/// </summary>
internal sealed class LaunchState(GlobalMemory global, SimOptions options)
{
    public GlobalMemory Global { get; } = global;
    public SimOptions Options { get; } = options;
    public KernelProgram Program { get; private set; } = null!;
    public LaunchConfig Config { get; private set; }
    /// <summary>The kernel parameters; only the first <see cref="ParamBytes"/> bytes belong to this launch.</summary>
    public byte[] ParamBuffer { get; private set; } = [];
    public int ParamBytes { get; private set; }
    public int SharedBytes { get; private set; }
    public int LocalBytesPerThread { get; private set; }

    public bool Memcheck => (Options.Checkers & SimCheckers.Memcheck) != 0;
    public bool Synccheck => (Options.Checkers & SimCheckers.Synccheck) != 0;
    public bool Racecheck => (Options.Checkers & SimCheckers.Racecheck) != 0;
    public bool Initcheck => (Options.Checkers & SimCheckers.Initcheck) != 0;

    /// <summary>Starts a launch; returns the (cleared) parameter bytes to fill.</summary>
    public Span<byte> Begin(KernelProgram program, in LaunchConfig config, int paramBytes, int sharedBytes, int localBytesPerThread)
    {
        Program = program;
        Config = config;
        if (ParamBuffer.Length < paramBytes) ParamBuffer = new byte[paramBytes];
        ParamBytes = paramBytes;
        SharedBytes = sharedBytes;
        LocalBytesPerThread = localBytesPerThread;
        var parameters = ParamBuffer.AsSpan(0, paramBytes);
        parameters.Clear();
        return parameters;
    }
}

/// <summary>One lane's saved state for a call: where to return and what to restore.</summary>
internal struct CallFrame
{
    public int ReturnPc;
    public int Function;
    public int CallerRetvalOffset;
    public ulong FrameBase;
    public int SavedRegisterStart;
}

/// <summary>
/// Per-warp execution state. Registers are laid out [slot * 32 + lane]. While <see cref="Converged"/>, all live
/// lanes are at <see cref="WarpPc"/>/<see cref="WarpDepth"/> and the per-lane arrays are stale. Kept across launches:
/// the register file and lane parameters grow to the largest kernel run so far.
/// </summary>
internal sealed class Warp
{
    public ulong[] R = [];
    public readonly int[] Pc = new int[32];
    public readonly int[] Depth = new int[32];
    public readonly ulong[] FrameBase = new ulong[32];
    public byte[] LaneParams = [];
    public List<CallFrame>[]? Frames;
    public List<ulong>[]? SavedRegisters;
    public int Index;
    /// <summary>Lanes that have not exited.</summary>
    public uint Alive;
    /// <summary>Lanes waiting at a warp collective for other lanes of its member mask.</summary>
    public uint Blocked;
    /// <summary>Lanes that arrived at bar.sync; their pc is already past it.</summary>
    public uint AtBarrier;
    public int BarrierPc;
    public bool Converged;
    public int WarpPc;
    public int WarpDepth;
    public Allocation? LastAllocation;

    /// <summary>Makes room for a kernel's registers and per-lane call parameters (contents are reset by the executor).</summary>
    public void Fit(int registerCount, int laneParamBytes)
    {
        if (R.Length < registerCount * 32) R = new ulong[registerCount * 32];
        int lanes = Math.Max(laneParamBytes, 1) * 32;
        if (LaneParams.Length < lanes) LaneParams = new byte[lanes];
    }

    public bool Done => Alive == 0;
}
