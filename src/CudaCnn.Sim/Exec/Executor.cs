using System.Numerics;
using System.Runtime.CompilerServices;
using CudaCnn.Sim.Decode;

namespace CudaCnn.Sim.Exec;

/// <summary>
/// Runs CTAs. Inside a CTA each warp runs until it blocks (bar.sync) or exits; inside a warp the lanes with the
/// lowest (call depth descending, pc) key execute together ("min-PC" scheduling), which reconverges where NVRTC's
/// block layout puts the join. Warp collectives wait until every live lane of their member mask has arrived.
/// </summary>
[SkipLocalsInit]
internal sealed partial class Executor
{
    private readonly CtaState _cta;
    private readonly LaunchState _launch;
    private readonly long[] _n;
    private Instr[] _code = [];
    private int[] _lists = [];

    public Executor(CtaState cta)
    {
        _cta = cta;
        _launch = cta.Launch;
        _n = cta.Counters;
    }

    public long[] Counters => _n;

    public CtaState Cta => _cta;

    /// <summary>Prepares this worker for the launch now described by the shared <see cref="LaunchState"/>.</summary>
    public void BeginLaunch()
    {
        _cta.Begin();
        _code = _launch.Program.Code;
        _lists = _launch.Program.Lists;
    }

    public void RunCta(uint x, uint y, uint z)
    {
        _cta.CtaX = x; _cta.CtaY = y; _cta.CtaZ = z;
        _cta.Steps = 0;
        _cta.Epoch++;
        _n[(int)Counter.Ctas]++;
        _n[(int)Counter.Threads] += _cta.ThreadCount;
        for (int w = 0; w < _cta.WarpCount; w++) InitWarp(_cta.Warps[w], w);
        while (true)
        {
            bool anyAtBarrier = false;
            for (int w = 0; w < _cta.WarpCount; w++)
            {
                var warp = _cta.Warps[w];
                if (warp.Done || warp.AtBarrier != 0) { anyAtBarrier |= warp.AtBarrier != 0; continue; }
                RunWarp(warp);
                anyAtBarrier |= warp.AtBarrier != 0;
            }
            if (!anyAtBarrier) return;
            ReleaseBarrier();
        }
    }

    private void ReleaseBarrier()
    {
        int pc = -1;
        for (int i = 0; i < _cta.WarpCount; i++)
        {
            var w = _cta.Warps[i];
            if (w.AtBarrier == 0) continue;
            if (_launch.Synccheck && pc >= 0 && w.BarrierPc != pc)
                throw Violation(SimViolationKind.DivergentBarrier, w, BitOperations.TrailingZeroCount(w.AtBarrier), w.BarrierPc, null,
                    $"warps of the block wait at different barriers (PTX lines {Line(pc)} and {Line(w.BarrierPc)})");
            pc = w.BarrierPc;
            w.AtBarrier = 0;
            if (!w.Converged) TryReconverge(w);
        }
        _cta.Epoch++;
    }

    private int Line(int pc) => _launch.Program.Statements[_code[pc].Stmt].PtxLine;

    private void InitWarp(Warp w, int index)
    {
        var p = _launch.Program;
        var cfg = _launch.Config;
        w.Index = index;
        int first = index * 32;
        int lanes = Math.Min(32, _cta.ThreadCount - first);
        w.Alive = lanes == 32 ? uint.MaxValue : (1u << lanes) - 1;
        w.Blocked = 0;
        w.AtBarrier = 0;
        w.Converged = true;
        w.WarpPc = p.Functions[p.EntryFunction].StartPc;
        w.WarpDepth = 0;
        w.LastAllocation = null;
        w.R.AsSpan(0, p.RegisterCount * 32).Clear();
        Array.Clear(w.FrameBase);
        if (w.Frames is not null)
            for (int l = 0; l < 32; l++) { w.Frames[l].Clear(); w.SavedRegisters![l].Clear(); }
        var r = w.R;
        foreach (var (slot, value) in p.Constants) r.AsSpan(slot * 32, 32).Fill(value);
        foreach (var (slot, reg) in p.Specials)
        {
            for (int l = 0; l < 32; l++)
            {
                int t = first + l;
                var (tx, ty, tz) = _cta.ThreadIndex(t);
                r[slot * 32 + l] = reg switch
                {
                    SpecialReg.TidX => tx, SpecialReg.TidY => ty, SpecialReg.TidZ => tz,
                    SpecialReg.NtidX => cfg.Block.X, SpecialReg.NtidY => cfg.Block.Y, SpecialReg.NtidZ => cfg.Block.Z,
                    SpecialReg.CtaidX => _cta.CtaX, SpecialReg.CtaidY => _cta.CtaY, SpecialReg.CtaidZ => _cta.CtaZ,
                    SpecialReg.NctaidX => cfg.Grid.X, SpecialReg.NctaidY => cfg.Grid.Y, SpecialReg.NctaidZ => cfg.Grid.Z,
                    SpecialReg.LaneId => (ulong)l, SpecialReg.WarpId => (ulong)index, SpecialReg.NWarpId => (ulong)_cta.WarpCount,
                    SpecialReg.LanemaskEq => 1u << l,
                    SpecialReg.LanemaskLt => (1u << l) - 1,
                    SpecialReg.LanemaskLe => (uint)((2UL << l) - 1),
                    SpecialReg.LanemaskGt => (uint)(~((2UL << l) - 1)),
                    SpecialReg.LanemaskGe => ~((1u << l) - 1),
                    SpecialReg.DynamicSmemSize => cfg.SharedMemoryBytes,
                    SpecialReg.TotalSmemSize => (ulong)_launch.SharedBytes,
                    SpecialReg.NSmId => 1,
                    _ => 0UL, // %clock, %clock64, %globaltimer, %smid, %gridid: deterministic zero
                };
            }
        }
    }

    /// <summary>Chooses the lanes to run next when the warp is diverged; false if none can run.</summary>
    private bool SelectGroup(Warp w, out uint active, out int pc)
    {
        uint runnable = w.Alive & ~w.Blocked & ~w.AtBarrier;
        active = 0;
        pc = 0;
        if (runnable == 0)
        {
            // Lanes waiting at a collective get another try once everybody else exited or reached a barrier;
            // the collective itself reports a deadlock if its member mask still names lanes that cannot come.
            if (w.Blocked == 0) return false;
            runnable = w.Blocked;
        }
        int bestDepth = -1, bestPc = int.MaxValue;
        uint m = runnable;
        while (m != 0)
        {
            int l = BitOperations.TrailingZeroCount(m);
            m &= m - 1;
            int d = w.Depth[l], p = w.Pc[l];
            if (d > bestDepth || (d == bestDepth && p < bestPc)) { bestDepth = d; bestPc = p; }
        }
        m = w.Alive & ~w.AtBarrier;
        while (m != 0)
        {
            int l = BitOperations.TrailingZeroCount(m);
            m &= m - 1;
            if (w.Pc[l] == bestPc && w.Depth[l] == bestDepth) active |= 1u << l;
        }
        w.Blocked &= ~active;
        pc = bestPc;
        return true;
    }

    /// <summary>Leaves the converged fast path: materialises the warp pc for every live lane.</summary>
    private static void Diverge(Warp w)
    {
        if (!w.Converged) return;
        w.Converged = false;
        w.Pc.AsSpan().Fill(w.WarpPc);
        w.Depth.AsSpan().Fill(w.WarpDepth);
    }

    private static void SetPc(Warp w, uint lanes, int pc)
    {
        while (lanes != 0)
        {
            int l = BitOperations.TrailingZeroCount(lanes);
            lanes &= lanes - 1;
            w.Pc[l] = pc;
        }
    }

    /// <summary>Returns to the fast path when every live lane is at one place and nobody waits.</summary>
    private static void TryReconverge(Warp w)
    {
        if (w.Converged || w.Blocked != 0 || w.AtBarrier != 0 || w.Alive == 0) return;
        uint m = w.Alive;
        int l0 = BitOperations.TrailingZeroCount(m);
        int pc = w.Pc[l0], d = w.Depth[l0];
        m &= m - 1;
        while (m != 0)
        {
            int l = BitOperations.TrailingZeroCount(m);
            m &= m - 1;
            if (w.Pc[l] != pc || w.Depth[l] != d) return;
        }
        w.Converged = true;
        w.WarpPc = pc;
        w.WarpDepth = d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint PredMask(ulong[] r, int slot, uint lanes)
    {
        uint mask = 0;
        int b = slot * 32;
        uint m = lanes;
        while (m != 0)
        {
            int l = BitOperations.TrailingZeroCount(m);
            m &= m - 1;
            if (r[b + l] != 0) mask |= 1u << l;
        }
        return mask;
    }

    private void RunWarp(Warp w)
    {
        var code = _code;
        var n = _n;
        long budget = _launch.Options.StepBudgetPerCta;
        while (w.Alive != 0)
        {
            uint active;
            int pc;
            if (w.Converged) { active = w.Alive; pc = w.WarpPc; }
            else if (!SelectGroup(w, out active, out pc)) return;
            ref Instr ins = ref code[pc];
            uint exec = active;
            if (ins.Guard >= 0)
            {
                uint g = PredMask(w.R, ins.Guard, active);
                exec = (ins.Flags & InstrFlags.GuardNegated) != 0 ? active & ~g : g;
            }
            n[(int)Counter.WarpInstructions]++;
            n[(int)Counter.ThreadInstructions] += BitOperations.PopCount(active);
            n[(int)Counter.ThreadInstructionsPredOn] += BitOperations.PopCount(exec);
            if (++_cta.Steps > budget)
                throw Violation(SimViolationKind.Deadlock, w, BitOperations.TrailingZeroCount(active), pc, null,
                    $"no forward progress after {budget} warp instructions in one block (a spin loop waiting for another block or lane?)");
            int next = pc + 1;
            switch (ins.Op)
            {
                case Op.Bra:
                {
                    n[(int)Counter.Branches]++;
                    n[(int)Counter.ControlInstructions]++;
                    uint stay = active & ~exec;
                    if (exec == 0) break;
                    if (stay == 0) { next = ins.Target; break; }
                    n[(int)Counter.DivergentBranches]++;
                    Diverge(w);
                    SetPc(w, exec, ins.Target);
                    SetPc(w, stay, next);
                    continue;
                }
                case Op.Exit:
                    n[(int)Counter.ControlInstructions]++;
                    w.Alive &= ~exec;
                    if (w.Alive == 0) return;
                    if (!w.Converged) { SetPc(w, active & ~exec, next); TryReconverge(w); continue; }
                    break;
                case Op.BarSync:
                    n[(int)Counter.SyncInstructions]++;
                    if (exec == 0) break;
                    n[(int)Counter.Barriers]++;
                    // Lanes wait here while the rest of the warp runs: those may exit (exited threads do not take
                    // part) but must not reach a different barrier.
                    if (w.AtBarrier != 0 && w.BarrierPc != pc && _launch.Synccheck)
                        throw Violation(SimViolationKind.DivergentBarrier, w, BitOperations.TrailingZeroCount(exec), pc, null,
                            $"divergent threads in warp {w.Index}: lanes 0x{exec:x8} reach this bar.sync while lanes 0x{w.AtBarrier:x8} " +
                            $"wait at the bar.sync on PTX line {Line(w.BarrierPc)}");
                    w.BarrierPc = pc;
                    if (w.Converged && exec == w.Alive)
                    {
                        w.WarpPc = next;
                        w.AtBarrier = w.Alive;
                        return;
                    }
                    Diverge(w);
                    SetPc(w, active, next);
                    w.AtBarrier |= exec;
                    continue;
                case Op.Call:
                    n[(int)Counter.ControlInstructions]++;
                    if (exec != 0) { Call(w, ref ins, pc, active, exec); continue; }
                    break;
                case Op.Ret:
                    n[(int)Counter.ControlInstructions]++;
                    if (exec != 0) { Return(w, active, exec, next); continue; }
                    break;
                case Op.Trap:
                    if (exec != 0)
                        throw Violation(SimViolationKind.Trap, w, BitOperations.TrailingZeroCount(exec), pc, null, "trap executed (__trap or a failed device assert)");
                    break;
                case Op.Shfl or Op.Vote or Op.Match or Op.Redux or Op.BarWarpSync:
                    if (!Collective(w, ref ins, pc, active, exec)) continue;
                    break;
                default:
                    if (exec != 0) Execute(w, ref ins, pc, exec);
                    break;
            }
            if (w.Converged) w.WarpPc = next;
            else
            {
                SetPc(w, active, next);
                TryReconverge(w);
            }
        }
    }
}
