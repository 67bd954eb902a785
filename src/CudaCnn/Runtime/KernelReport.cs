using System.Globalization;
using System.Text.RegularExpressions;

namespace CudaCnn.Runtime;

/// <summary>What ptxas reported for one kernel (<c>-Xptxas=-v</c>); sizes in bytes.</summary>
public sealed record PtxasResources(
    int Registers,
    int SharedBytes,
    int ConstantBytes,
    int StackBytes,
    int SpillStoreBytes,
    int SpillLoadBytes);

/// <summary>
/// One kernel of a compiled module: its name, the block size from its <c>__launch_bounds__</c> (PTX
/// <c>.maxntid</c>), and for cubin targets what ptxas reported.
/// </summary>
public sealed record KernelInfo(string Name, int? LaunchBound, PtxasResources? Resources);

/// <summary>Reads kernel facts from NVRTC output: the ptxas verbose log and the PTX text.</summary>
public static partial class KernelReport
{
    /// <summary>
    /// Parses the ptxas verbose report, for example (NVRTC 11.8):
    /// <code>
    /// ptxas info    : Compiling entry function 'k' for 'sm_80'
    /// ptxas info    : Function properties for k
    /// ptxas         .     0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
    /// ptxas info    : Used 8 registers, 256 bytes smem, 376 bytes cmem[0]
    /// </code>
    /// Only entry functions are reported; properties of non-inlined device functions are ignored.
    /// </summary>
    public static IReadOnlyDictionary<string, PtxasResources> ParsePtxasLog(string log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var result = new Dictionary<string, PtxasResources>(StringComparer.Ordinal);
        string? entry = null, propertiesOf = null;
        foreach (string line in log.Split('\n'))
        {
            if (EntryLine().Match(line) is { Success: true } e)
            {
                entry = e.Groups[1].Value;
                result[entry] = new PtxasResources(0, 0, 0, 0, 0, 0);
            }
            else if (PropertiesLine().Match(line) is { Success: true } p)
            {
                propertiesOf = p.Groups[1].Value;
            }
            else if (StackLine().Match(line) is { Success: true } s && propertiesOf is not null && result.TryGetValue(propertiesOf, out var current))
            {
                result[propertiesOf] = current with
                {
                    StackBytes = Int(s.Groups["stack"]),
                    SpillStoreBytes = Int(s.Groups["stores"]),
                    SpillLoadBytes = Int(s.Groups["loads"]),
                };
            }
            else if (line.Contains("Used ", StringComparison.Ordinal) && entry is not null && UsedRegisters().Match(line) is { Success: true } u)
            {
                result[entry] = result[entry] with
                {
                    Registers = Int(u.Groups[1]),
                    SharedBytes = Bytes(SharedMemory().Match(line)),
                    ConstantBytes = ConstantBanks().Matches(line).Sum(m => Int(m.Groups[1])),
                };
            }
        }
        return result;
    }

    /// <summary>The <c>.maxntid</c> (x·y·z) of every entry in a PTX text; entries without one are absent.</summary>
    public static IReadOnlyDictionary<string, int> ParseLaunchBounds(string ptx)
    {
        ArgumentNullException.ThrowIfNull(ptx);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match entry in PtxEntry().Matches(ptx))
        {
            int bodyStart = ptx.IndexOf('{', entry.Index);
            string directives = bodyStart < 0 ? ptx[entry.Index..] : ptx[entry.Index..bodyStart];
            if (MaxNtid().Match(directives) is { Success: true } m)
                result[entry.Groups[1].Value] = Int(m.Groups[1]) * IntOr1(m.Groups[2]) * IntOr1(m.Groups[3]);
        }
        return result;
    }

    /// <summary>Every entry of a module, in PTX order, joined with the ptxas report when there is one.</summary>
    public static IReadOnlyList<KernelInfo> Describe(string ptx, string log)
    {
        var bounds = ParseLaunchBounds(ptx);
        var resources = ParsePtxasLog(log);
        return
        [
            .. PtxEntry().Matches(ptx).Select(m => m.Groups[1].Value).Distinct().Select(name => new KernelInfo(
                name,
                bounds.TryGetValue(name, out int bound) ? bound : null,
                resources.GetValueOrDefault(name))),
        ];
    }

    private static int Int(Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);
    private static int IntOr1(Group group) => group.Success ? Int(group) : 1;
    private static int Bytes(Match match) => match.Success ? Int(match.Groups[1]) : 0;

    [GeneratedRegex(@"Compiling entry function '([^']+)'")]
    private static partial Regex EntryLine();

    [GeneratedRegex(@"Function properties for (\S+)")]
    private static partial Regex PropertiesLine();

    [GeneratedRegex(@"(?<stack>\d+) bytes stack frame, (?<stores>\d+) bytes spill stores, (?<loads>\d+) bytes spill loads")]
    private static partial Regex StackLine();

    [GeneratedRegex(@"Used (\d+) registers")]
    private static partial Regex UsedRegisters();

    [GeneratedRegex(@"(\d+) bytes smem")]
    private static partial Regex SharedMemory();

    [GeneratedRegex(@"(\d+) bytes cmem\[\d+\]")]
    private static partial Regex ConstantBanks();

    [GeneratedRegex(@"\.entry\s+([A-Za-z_$][\w$]*)\s*\(")]
    private static partial Regex PtxEntry();

    [GeneratedRegex(@"\.maxntid\s+(\d+)(?:\s*,\s*(\d+))?(?:\s*,\s*(\d+))?")]
    private static partial Regex MaxNtid();
}
