namespace CudaCnn.Benchmarking;

/// <summary>
/// Selects cases by name (<c>suite/group/implementation</c>): comma-separated patterns, case-insensitive; a pattern
/// with <c>*</c> (any run of characters) or <c>?</c> (one character) must match the whole name, one without them
/// matches anywhere in the name. An empty filter selects everything.
/// </summary>
public sealed class BenchFilter
{
    private readonly string[] _patterns;

    public BenchFilter(string? patterns) =>
        _patterns = (patterns ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool Matches(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_patterns.Length == 0) return true;
        foreach (string pattern in _patterns)
        {
            bool wildcard = pattern.AsSpan().IndexOfAny('*', '?') >= 0;
            if (wildcard ? Glob(pattern, name) : name.Contains(pattern, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    public IReadOnlyList<BenchCase> Apply(IEnumerable<BenchCase> cases) => cases.Where(c => Matches(c.Name)).ToList();

    /// <summary>Whole-string glob match with backtracking over the last <c>*</c>.</summary>
    private static bool Glob(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
