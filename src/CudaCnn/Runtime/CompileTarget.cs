namespace CudaCnn.Runtime;

/// <summary>What NVRTC produces: PTX for a virtual architecture (compute_XY) or a cubin for a real one (sm_XY).</summary>
public readonly record struct CompileTarget(int Major, int Minor, bool Cubin)
{
    public static CompileTarget Ptx(int major, int minor) => new(major, minor, false);
    public static CompileTarget Sass(int major, int minor) => new(major, minor, true);

    /// <summary>Parses "sm_90" (cubin) or "compute_80" (PTX).</summary>
    public static CompileTarget Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        bool cubin = text.StartsWith("sm_", StringComparison.Ordinal);
        bool ptx = text.StartsWith("compute_", StringComparison.Ordinal);
        string digits = cubin ? text[3..] : ptx ? text[8..] : "";
        if ((!cubin && !ptx) || digits.Length < 2 || !digits.All(char.IsAsciiDigit))
            throw new ArgumentException($"expected an architecture like sm_90 or compute_80, got '{text}'", nameof(text));
        int value = int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        return new CompileTarget(value / 10, value % 10, cubin);
    }

    public string ArchOption => Cubin ? $"sm_{Major}{Minor}" : $"compute_{Major}{Minor}";
    public override string ToString() => ArchOption;
}

/// <summary>The output of compiling one kernel file.</summary>
public sealed record CompiledModule(
    string FileName,
    CompileTarget Target,
    byte[] Image,
    string Log,
    IReadOnlyList<string> Options)
{
    /// <summary>Every kernel in the module with its launch bound and, for cubin targets, the ptxas report.</summary>
    public IReadOnlyList<KernelInfo> Kernels { get; init; } = [];

    /// <summary>The PTX text (for a PTX target); the image holds it without the trailing NUL.</summary>
    public string PtxText => Target.Cubin
        ? throw new InvalidOperationException($"{FileName} was compiled to a cubin for {Target}, not to PTX")
        : System.Text.Encoding.ASCII.GetString(Image);
}
