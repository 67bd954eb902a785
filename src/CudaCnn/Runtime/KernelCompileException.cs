using System.Globalization;
using System.Text.RegularExpressions;

namespace CudaCnn.Runtime;

/// <summary>
/// NVRTC rejected a kernel source. Carries the file compiled, the file and line of the first error (which may
/// be in an included header), the options and the full log.
/// </summary>
public sealed partial class KernelCompileException : Exception
{
    public KernelCompileException(string fileName, CompileTarget target, IReadOnlyList<string> options, string log)
        : base(Describe(fileName, target, options, log, out string? errorFile, out int? line))
    {
        FileName = fileName;
        Target = target;
        Options = options;
        Log = log;
        ErrorFile = errorFile;
        Line = line;
    }

    public string FileName { get; }
    public CompileTarget Target { get; }
    public IReadOnlyList<string> Options { get; }
    public string Log { get; }

    /// <summary>The file named by the first error (the compiled file or a header); null if the log names none.</summary>
    public string? ErrorFile { get; }

    /// <summary>The 1-based line of the first error; null if the log has no located error.</summary>
    public int? Line { get; }

    private static string Describe(string fileName, CompileTarget target, IReadOnlyList<string> options, string log,
        out string? errorFile, out int? line)
    {
        var first = FirstError().Match(log);
        errorFile = first.Success ? first.Groups["file"].Value : null;
        line = first.Success ? int.Parse(first.Groups["line"].Value, CultureInfo.InvariantCulture) : null;
        string where = first.Success ? $"{errorFile}({line}): {first.Groups["message"].Value.Trim()}" : "(no located error in the log)";
        return $"NVRTC failed to compile {fileName} for {target}: {where}{Environment.NewLine}" +
               $"options: {string.Join(" ", options)}{Environment.NewLine}log:{Environment.NewLine}{log}";
    }

    // NVRTC reports errors as: elementwise.cu(12): error: identifier "x" is undefined
    [GeneratedRegex(@"^(?<file>[^\r\n(]+)\((?<line>\d+)\): (?:catastrophic )?error(?: [^:]*)?:(?<message>[^\r\n]*)", RegexOptions.Multiline)]
    private static partial Regex FirstError();
}
