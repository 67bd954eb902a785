namespace CudaCnn.Sim.Decode;

/// <summary>
/// Local memory one thread needs: the entry's depot plus the deepest chain of callee depots, as ptxas computes the
/// stack size of a call graph without recursion. Indirect calls may reach every device function. A recursive graph
/// has no static bound (the executor then uses <see cref="SimOptions.LocalBytesPerThread"/>).
/// </summary>
internal static class StackSize
{
    /// <summary>Bytes per thread, or null when the call graph reachable from the entry is recursive.</summary>
    public static long? Of(Instr[] code, FunctionInfo[] functions, int entry)
    {
        var callees = new List<int>[functions.Length];
        for (int f = 0; f < functions.Length; f++)
        {
            callees[f] = [];
            int end = f + 1 < functions.Length ? functions[f + 1].StartPc : code.Length;
            for (int pc = functions[f].StartPc; pc < end; pc++)
            {
                if (code[pc].Op != Op.Call) continue;
                if (code[pc].E >= 0) callees[f].Add(code[pc].E);
                else for (int g = 0; g < functions.Length; g++) if (g != entry) callees[f].Add(g);
            }
        }
        var need = new long?[functions.Length];
        var onPath = new bool[functions.Length];
        return Need(entry);

        long? Need(int f)
        {
            if (need[f] is { } known) return known;
            if (onPath[f]) return null;
            onPath[f] = true;
            long deepest = 0;
            foreach (int g in callees[f])
            {
                if (Need(g) is not { } callee) return null;
                deepest = Math.Max(deepest, callee);
            }
            onPath[f] = false;
            return need[f] = functions[f].DepotSize + deepest;
        }
    }
}
