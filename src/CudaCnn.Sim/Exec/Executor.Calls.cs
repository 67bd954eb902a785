using System.Numerics;
using CudaCnn.Sim.Decode;

namespace CudaCnn.Sim.Exec;

internal sealed partial class Executor
{
    /// <summary>
    /// call: per lane, copy the arguments into the callee's parameter slots, save the callee's registers (so
    /// recursion keeps each activation's values), open a local frame after the caller's depot and jump.
    /// </summary>
    private void Call(Warp w, ref Instr ins, int pc, uint active, uint exec)
    {
        var p = _launch.Program;
        int per = p.LaneParamBytes;
        Diverge(w);
        if (w.Frames is null)
        {
            w.Frames = new List<CallFrame>[32];
            w.SavedRegisters = new List<ulong>[32];
            for (int i = 0; i < 32; i++) { w.Frames[i] = []; w.SavedRegisters[i] = []; }
        }
        int list = ins.Target;
        int retOff = _lists[list], nargs = _lists[list + 1];
        for (uint m = exec; m != 0; m &= m - 1)
        {
            int l = BitOperations.TrailingZeroCount(m);
            int fi = ins.E;
            if (fi < 0)
            {
                ulong target = w.R[ins.A * 32 + l];
                fi = FunctionAt(p, target);
                if (fi < 0)
                    throw Violation(SimViolationKind.InvalidAddress, w, l, pc, target, $"indirect call to 0x{target:x}, which is not a function");
            }
            var f = p.Functions[fi];
            if (nargs > f.ParamOffsets.Length)
                throw Violation(SimViolationKind.Unsupported, w, l, pc, null, $"call passes {nargs} arguments to {f.Name}, which takes {f.ParamOffsets.Length}");
            for (int i = 0; i < nargs; i++)
            {
                int argOff = _lists[list + 2 + 2 * i], argSize = _lists[list + 3 + 2 * i];
                int size = Math.Min(argSize, f.ParamSizes[i]);
                Array.Copy(w.LaneParams, l * per + argOff, w.LaneParams, l * per + f.ParamOffsets[i], size);
            }
            var frames = w.Frames[l];
            var saved = w.SavedRegisters![l];
            int caller = frames.Count == 0 ? p.EntryFunction : frames[^1].Function;
            frames.Add(new CallFrame
            {
                ReturnPc = pc + 1,
                Function = fi,
                CallerRetvalOffset = retOff,
                FrameBase = w.FrameBase[l],
                SavedRegisterStart = saved.Count,
            });
            for (int k = 0; k < f.RegCount; k++) saved.Add(w.R[(f.RegBase + k) * 32 + l]);
            ulong newBase = (w.FrameBase[l] + (ulong)p.Functions[caller].DepotSize + 15) & ~15UL;
            if (newBase + (ulong)f.DepotSize > (ulong)_launch.LocalBytesPerThread)
                throw Violation(SimViolationKind.StackOverflow, w, l, pc, null,
                    $"call depth {frames.Count} needs more than the {_launch.LocalBytesPerThread} bytes of local memory per thread (SimOptions.LocalBytesPerThread)");
            w.FrameBase[l] = newBase;
            w.Pc[l] = f.StartPc;
            w.Depth[l]++;
        }
        SetPc(w, active & ~exec, pc + 1);
        TryReconverge(w);
    }

    /// <summary>Index of the function whose fake address is <paramref name="address"/>, or -1 (a loop: no closure per call).</summary>
    private static int FunctionAt(KernelProgram p, ulong address)
    {
        for (int i = 0; i < p.Functions.Length; i++)
            if (p.Functions[i].Address == address) return i;
        return -1;
    }

    private void Return(Warp w, uint active, uint exec, int next)
    {
        var p = _launch.Program;
        int per = p.LaneParamBytes;
        Diverge(w);
        for (uint m = exec; m != 0; m &= m - 1)
        {
            int l = BitOperations.TrailingZeroCount(m);
            var frames = w.Frames![l];
            var frame = frames[^1];
            frames.RemoveAt(frames.Count - 1);
            var f = p.Functions[frame.Function];
            if (frame.CallerRetvalOffset >= 0 && f.RetvalOffset >= 0)
                Array.Copy(w.LaneParams, l * per + f.RetvalOffset, w.LaneParams, l * per + frame.CallerRetvalOffset, f.RetvalSize);
            var saved = w.SavedRegisters![l];
            for (int k = 0; k < f.RegCount; k++) w.R[(f.RegBase + k) * 32 + l] = saved[frame.SavedRegisterStart + k];
            saved.RemoveRange(frame.SavedRegisterStart, saved.Count - frame.SavedRegisterStart);
            w.FrameBase[l] = frame.FrameBase;
            w.Pc[l] = frame.ReturnPc;
            w.Depth[l]--;
        }
        SetPc(w, active & ~exec, next);
        TryReconverge(w);
    }
}
