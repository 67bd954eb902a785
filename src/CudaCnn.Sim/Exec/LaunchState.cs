using CudaCnn.Runtime;
using CudaCnn.Sim.Decode;
using CudaCnn.Sim.Memory;

namespace CudaCnn.Sim.Exec;

/// <summary>Everything constant during one launch, shared by all CTAs (read-only while they run).</summary>
internal sealed class LaunchState
{
    public required KernelProgram Program { get; init; }
    public required GlobalMemory Global { get; init; }
    public required LaunchConfig Config { get; init; }
    public required SimOptions Options { get; init; }
    public required byte[] ParamBuffer { get; init; }
    public required int SharedBytes { get; init; }
    public required int LocalBytesPerThread { get; init; }

    public bool Memcheck => (Options.Checkers & SimCheckers.Memcheck) != 0;
    public bool Synccheck => (Options.Checkers & SimCheckers.Synccheck) != 0;
    public bool Racecheck => (Options.Checkers & SimCheckers.Racecheck) != 0;
    public bool Initcheck => (Options.Checkers & SimCheckers.Initcheck) != 0;
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
/// lanes are at <see cref="WarpPc"/>/<see cref="WarpDepth"/> and the per-lane arrays are stale.
/// </summary>
internal sealed class Warp
{
    public readonly ulong[] R;
    public readonly int[] Pc = new int[32];
    public readonly int[] Depth = new int[32];
    public readonly ulong[] FrameBase = new ulong[32];
    public readonly byte[] LaneParams;
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

    public Warp(int registerCount, int laneParamBytes)
    {
        R = new ulong[registerCount * 32];
        LaneParams = new byte[Math.Max(laneParamBytes, 1) * 32];
    }

    public bool Done => Alive == 0;
}
