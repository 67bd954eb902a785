namespace CudaCnn.Sim;

/// <summary>Counter slots; see docs/software-gpu.md for definitions and the Nsight Compute metrics they mirror.</summary>
internal enum Counter
{
    Launches, Ctas, Threads, WarpInstructions, ThreadInstructions, ThreadInstructionsPredOn,
    IntegerInstructions, Fp32Instructions, Fp64Instructions, ConversionInstructions, MoveInstructions,
    MemoryInstructions, ControlInstructions, SyncInstructions, SpecialFunctionInstructions,
    Flops32, Flops64,
    GlobalLoadRequests, GlobalLoadSectors, GlobalLoadIdealSectors,
    GlobalStoreRequests, GlobalStoreSectors, GlobalStoreIdealSectors,
    GlobalAtomicRequests, GlobalAtomicSectors,
    LocalLoadRequests, LocalStoreRequests,
    SharedLoadRequests, SharedLoadWavefronts, SharedLoadPhases,
    SharedStoreRequests, SharedStoreWavefronts, SharedStorePhases,
    SharedAtomicRequests,
    Branches, DivergentBranches, Barriers, WarpCollectives, RaceWarnings,
    Count,
}

/// <summary>
/// Hardware-independent performance counters of one launch (or the sum over launches of one kernel). A PTX-level
/// proxy for Nsight Compute's metrics: instructions are PTX instructions, not SASS. The counters are held inline (a
/// value, no array), so a launch records its statistics without allocating.
/// </summary>
public readonly struct LaunchStats
{
    private readonly CounterValues _c;

    internal LaunchStats(ReadOnlySpan<long> counters) => counters.CopyTo(_c);

    private long Get(Counter c) => _c[(int)c];

    public long Launches => Get(Counter.Launches);
    public long Ctas => Get(Counter.Ctas);
    public long Threads => Get(Counter.Threads);
    /// <summary>Warp-level instructions executed (smsp__inst_executed).</summary>
    public long WarpInstructions => Get(Counter.WarpInstructions);
    /// <summary>Sum of active lanes per warp instruction (smsp__thread_inst_executed).</summary>
    public long ThreadInstructions => Get(Counter.ThreadInstructions);
    /// <summary>Active lanes whose guard predicate was true (smsp__thread_inst_executed_pred_on).</summary>
    public long ThreadInstructionsPredicatedOn => Get(Counter.ThreadInstructionsPredOn);
    /// <summary>Warp instructions by family.</summary>
    public long IntegerInstructions => Get(Counter.IntegerInstructions);
    public long Fp32Instructions => Get(Counter.Fp32Instructions);
    public long Fp64Instructions => Get(Counter.Fp64Instructions);
    public long ConversionInstructions => Get(Counter.ConversionInstructions);
    public long MoveInstructions => Get(Counter.MoveInstructions);
    public long MemoryInstructions => Get(Counter.MemoryInstructions);
    public long ControlInstructions => Get(Counter.ControlInstructions);
    public long SyncInstructions => Get(Counter.SyncInstructions);
    public long SpecialFunctionInstructions => Get(Counter.SpecialFunctionInstructions);
    /// <summary>f32 floating-point operations per predicated-on lane: add/sub/mul/min/max/div/sqrt/rcp... = 1, fma = 2.</summary>
    public long Flops32 => Get(Counter.Flops32);
    public long Flops64 => Get(Counter.Flops64);
    public long Flops => Flops32 + Flops64;
    public long GlobalLoadRequests => Get(Counter.GlobalLoadRequests);
    public long GlobalLoadSectors => Get(Counter.GlobalLoadSectors);
    public long GlobalLoadIdealSectors => Get(Counter.GlobalLoadIdealSectors);
    public long GlobalStoreRequests => Get(Counter.GlobalStoreRequests);
    public long GlobalStoreSectors => Get(Counter.GlobalStoreSectors);
    public long GlobalStoreIdealSectors => Get(Counter.GlobalStoreIdealSectors);
    public long GlobalAtomicRequests => Get(Counter.GlobalAtomicRequests);
    public long GlobalAtomicSectors => Get(Counter.GlobalAtomicSectors);
    public long LocalLoadRequests => Get(Counter.LocalLoadRequests);
    public long LocalStoreRequests => Get(Counter.LocalStoreRequests);
    public long SharedLoadRequests => Get(Counter.SharedLoadRequests);
    public long SharedLoadWavefronts => Get(Counter.SharedLoadWavefronts);
    public long SharedStoreRequests => Get(Counter.SharedStoreRequests);
    public long SharedStoreWavefronts => Get(Counter.SharedStoreWavefronts);
    public long SharedAtomicRequests => Get(Counter.SharedAtomicRequests);
    /// <summary>Wavefronts beyond one per phase (l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_ld).</summary>
    public long SharedLoadBankConflicts => Get(Counter.SharedLoadWavefronts) - Get(Counter.SharedLoadPhases);
    public long SharedStoreBankConflicts => Get(Counter.SharedStoreWavefronts) - Get(Counter.SharedStorePhases);
    public long SharedBankConflicts => SharedLoadBankConflicts + SharedStoreBankConflicts;
    public long Branches => Get(Counter.Branches);
    public long DivergentBranches => Get(Counter.DivergentBranches);
    public long Barriers => Get(Counter.Barriers);
    public long WarpCollectives => Get(Counter.WarpCollectives);
    /// <summary>Shared-memory hazards between lanes of one warp (warp-synchronous assumptions; not errors).</summary>
    public long RaceWarnings => Get(Counter.RaceWarnings);

    /// <summary>Thread instructions / (32 × warp instructions).</summary>
    public double WarpExecutionEfficiency => WarpInstructions == 0 ? 0 : ThreadInstructions / (32.0 * WarpInstructions);
    public double GlobalLoadSectorsPerRequest => Ratio(GlobalLoadSectors, GlobalLoadRequests);
    public double GlobalLoadIdealSectorsPerRequest => Ratio(GlobalLoadIdealSectors, GlobalLoadRequests);
    public double GlobalStoreSectorsPerRequest => Ratio(GlobalStoreSectors, GlobalStoreRequests);
    public double GlobalStoreIdealSectorsPerRequest => Ratio(GlobalStoreIdealSectors, GlobalStoreRequests);
    public long GlobalExcessSectors => GlobalLoadSectors - GlobalLoadIdealSectors + GlobalStoreSectors - GlobalStoreIdealSectors;

    private static double Ratio(long a, long b) => b == 0 ? 0 : (double)a / b;

    /// <summary>Counter-wise sum (aggregating launches of one kernel).</summary>
    public static LaunchStats operator +(LaunchStats a, LaunchStats b)
    {
        Span<long> sum = stackalloc long[(int)Counter.Count];
        for (int i = 0; i < sum.Length; i++) sum[i] = a._c[i] + b._c[i];
        return new LaunchStats(sum);
    }

    public override string ToString() =>
        $"warp inst {WarpInstructions}, thread inst {ThreadInstructions}, efficiency {WarpExecutionEfficiency:P1}, flops {Flops}, " +
        $"gld {GlobalLoadRequests} req / {GlobalLoadSectors} sectors (ideal {GlobalLoadIdealSectors}), " +
        $"gst {GlobalStoreRequests} req / {GlobalStoreSectors} sectors (ideal {GlobalStoreIdealSectors}), " +
        $"shared conflicts {SharedBankConflicts}, branches {Branches} ({DivergentBranches} divergent), barriers {Barriers}";
}

/// <summary>The counter slots of a <see cref="LaunchStats"/>, stored inline.</summary>
[System.Runtime.CompilerServices.InlineArray((int)Counter.Count)]
internal struct CounterValues
{
    private long _first;
}
