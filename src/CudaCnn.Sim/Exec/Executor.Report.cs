using CudaCnn.Sim.Memory;

namespace CudaCnn.Sim.Exec;

internal sealed partial class Executor
{
    private SimViolationException Violation(SimViolationKind kind, Warp w, int lane, int pc, ulong? address, string detail)
    {
        var stmt = _launch.Program.Statements[_code[pc].Stmt];
        string? src = stmt.CuFile is null ? null : $"{stmt.CuFile}:{stmt.CuLine}";
        return new SimViolationException(kind, _launch.Program.Name, (_cta.CtaX, _cta.CtaY, _cta.CtaZ),
            _cta.ThreadIndex(w.Index * 32 + lane), stmt.Text, stmt.PtxLine, src, address, detail);
    }

    private string DescribeGlobal(ulong address, int size)
    {
        var a = _launch.Global.Find(address) ?? _launch.Global.Nearest(address);
        if (a is null) return $"address 0x{address:x} ({size} bytes): no device allocation exists";
        long offset = (long)(address - a.Base);
        return $"address 0x{address:x} ({size} bytes) is at offset {offset} of the nearest allocation, {a}";
    }

    private static string SpaceName(Decode.Space s) => s switch
    {
        Decode.Space.Global => "__global__",
        Decode.Space.Shared => "__shared__",
        Decode.Space.Local => "__local__",
        Decode.Space.Const => "__constant__",
        Decode.Space.ParamKernel or Decode.Space.ParamLane => ".param",
        _ => "generic",
    };

    private static bool InAllocation(Allocation a, ulong address, int size) =>
        address >= a.Base && address + (ulong)size <= a.End;
}
