using System.Numerics;
using CudaCnn.Sim.Decode;

namespace CudaCnn.Sim.Exec;

internal sealed partial class Executor
{
    /// <summary>
    /// shfl/vote/match/redux/bar.warp.sync. Returns false when the arriving lanes must wait for other live lanes of
    /// the member mask (they block at this pc and the rest of the warp runs until it gets here).
    /// </summary>
    private bool Collective(Warp w, ref Instr ins, int pc, uint active, uint exec)
    {
        if (exec == 0) return true;
        var r = w.R;
        int first = BitOperations.TrailingZeroCount(exec);
        int maskSlot = ins.Op switch { Op.Shfl => ins.E, Op.BarWarpSync => ins.A, _ => ins.B };
        uint mask = (uint)r[maskSlot * 32 + first];
        uint need = mask & w.Alive;
        if ((need & ~active) != 0)
        {
            if ((w.Alive & ~w.Blocked & ~w.AtBarrier & ~active) == 0)
                throw Violation(SimViolationKind.Deadlock, w, first, pc, null,
                    $"lanes 0x{active:x8} wait at a warp collective (member mask 0x{mask:x8}) for lanes 0x{need & ~active:x8}, " +
                    "which wait elsewhere (a barrier or another collective) and can never arrive");
            Diverge(w);
            SetPc(w, active, pc);
            w.Blocked |= active;
            return false;
        }
        _n[(int)Counter.SyncInstructions]++;
        _n[(int)Counter.WarpCollectives]++;
        if (_launch.Synccheck && (exec & ~mask) != 0)
        {
            int bad = BitOperations.TrailingZeroCount(exec & ~mask);
            throw Violation(SimViolationKind.InvalidCollective, w, bad, pc, null,
                $"lane {bad} executes a warp collective whose member mask 0x{mask:x8} does not include it");
        }
        switch (ins.Op)
        {
            case Op.Shfl: Shuffle(w, ref ins, pc, exec, mask); break;
            case Op.Vote:
            {
                uint preds = PredMask(r, ins.A, exec);
                if ((ins.Flags & InstrFlags.Variant) != 0) preds = ~preds & exec;
                var mode = (VoteMode)ins.Mod;
                ulong value = mode switch
                {
                    VoteMode.All => preds == exec ? 1UL : 0,
                    VoteMode.Any => preds != 0 ? 1UL : 0,
                    VoteMode.Uni => preds == 0 || preds == exec ? 1UL : 0,
                    _ => preds,
                };
                Fill(w, ins.D, exec, value);
                break;
            }
            case Op.Match:
            {
                ulong vmask = TyInfo.Mask(ins.Type);
                bool all = true;
                ulong v0 = r[ins.A * 32 + first] & vmask;
                for (uint m = exec; m != 0; m &= m - 1) all &= (r[ins.A * 32 + BitOperations.TrailingZeroCount(m)] & vmask) == v0;
                for (uint m = exec; m != 0; m &= m - 1)
                {
                    int l = BitOperations.TrailingZeroCount(m);
                    ulong mine = r[ins.A * 32 + l] & vmask;
                    uint same = 0;
                    for (uint k = exec; k != 0; k &= k - 1)
                    {
                        int j = BitOperations.TrailingZeroCount(k);
                        if ((r[ins.A * 32 + j] & vmask) == mine) same |= 1u << j;
                    }
                    if (ins.Mod == 1)
                    {
                        r[ins.D * 32 + l] = all ? exec : 0;
                        if (ins.D2 >= 0) r[ins.D2 * 32 + l] = all ? 1UL : 0;
                    }
                    else r[ins.D * 32 + l] = same;
                }
                break;
            }
            case Op.Redux:
            {
                bool signed = ins.Type == Ty.S32;
                long acc = (ReduxOp)ins.Mod switch
                {
                    ReduxOp.Min => signed ? int.MaxValue : uint.MaxValue,
                    ReduxOp.Max => signed ? int.MinValue : 0,
                    ReduxOp.And => uint.MaxValue,
                    _ => 0,
                };
                for (uint m = exec; m != 0; m &= m - 1)
                {
                    uint raw = (uint)r[ins.A * 32 + BitOperations.TrailingZeroCount(m)];
                    long v = signed ? (int)raw : raw;
                    acc = (ReduxOp)ins.Mod switch
                    {
                        ReduxOp.Add => acc + v,
                        ReduxOp.Min => Math.Min(acc, v),
                        ReduxOp.Max => Math.Max(acc, v),
                        ReduxOp.And => acc & v,
                        ReduxOp.Or => acc | v,
                        _ => acc ^ v,
                    };
                }
                Fill(w, ins.D, exec, (uint)acc);
                break;
            }
        }
        return true;
    }

    private void Shuffle(Warp w, ref Instr ins, int pc, uint exec, uint mask)
    {
        var r = w.R;
        Span<ulong> src = stackalloc ulong[32];
        r.AsSpan(ins.A * 32, 32).CopyTo(src);
        var mode = (ShflMode)ins.Mod;
        for (uint m = exec; m != 0; m &= m - 1)
        {
            int lane = BitOperations.TrailingZeroCount(m);
            int b = (int)(r[ins.B * 32 + lane] & 31);
            uint c = (uint)r[ins.C * 32 + lane];
            int clamp = (int)(c & 31), seg = (int)((c >> 8) & 31);
            int maxLane = (lane & seg) | (clamp & ~seg), minLane = lane & seg;
            int j;
            bool valid;
            switch (mode)
            {
                case ShflMode.Up: j = lane - b; valid = j >= maxLane; break;
                case ShflMode.Down: j = lane + b; valid = j <= maxLane; break;
                case ShflMode.Bfly: j = lane ^ b; valid = j <= maxLane; break;
                default: j = minLane | (b & ~seg); valid = j <= maxLane; break;
            }
            if (!valid) j = lane;
            if ((exec & (1u << j)) == 0 && _launch.Synccheck)
                throw Violation(SimViolationKind.InvalidCollective, w, lane, pc, null,
                    $"lane {lane} reads lane {j}, which does not take part in the shuffle (member mask 0x{mask:x8}, participating lanes 0x{exec:x8})");
            r[ins.D * 32 + lane] = src[j];
            if (ins.D2 >= 0) r[ins.D2 * 32 + lane] = valid ? 1UL : 0;
        }
    }
}
