namespace CudaCnn.Native;

/// <summary>
/// Finds Python site-packages folders that hold NVIDIA wheels (a <c>nvidia</c> folder), cheaply: a few
/// directory listings, never a process. CUDACNN_PYTHON_SITE_PACKAGES (a path list) replaces the search.
/// </summary>
internal static class SitePackages
{
    public const string Variable = "CUDACNN_PYTHON_SITE_PACKAGES";

    public static IReadOnlyList<string> Discover(NativePlatform platform, Func<string, string?> environment)
    {
        string? explicitList = environment(Variable);
        if (!string.IsNullOrWhiteSpace(explicitList))
        {
            char separator = platform == NativePlatform.Windows ? ';' : ':';
            return explicitList.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        return Roots(platform, environment)
            .SelectMany(Expand)
            .Where(dir => Directory.Exists(Path.Combine(dir, "nvidia")))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Site-packages patterns; a '*' in the last-but-one segment matches python3.X folders.</summary>
    private static IEnumerable<string> Roots(NativePlatform platform, Func<string, string?> environment)
    {
        string[] prefixes = [.. new[] { environment("VIRTUAL_ENV"), environment("CONDA_PREFIX") }.Where(p => !string.IsNullOrEmpty(p))!];
        if (platform == NativePlatform.Windows)
        {
            foreach (string prefix in prefixes) yield return Path.Combine(prefix, "Lib", "site-packages");
            if (environment("LOCALAPPDATA") is { Length: > 0 } local)
                yield return Path.Combine(local, "Programs", "Python", "Python3*", "Lib", "site-packages");
            if (environment("APPDATA") is { Length: > 0 } roaming)
                yield return Path.Combine(roaming, "Python", "Python3*", "site-packages");
            yield break;
        }
        foreach (string prefix in prefixes) yield return Path.Combine(prefix, "lib", "python3*", "site-packages");
        if (environment("HOME") is { Length: > 0 } home)
            yield return Path.Combine(home, ".local", "lib", "python3*", "site-packages");
        yield return "/usr/local/lib/python3*/dist-packages";
        yield return "/usr/local/lib/python3*/site-packages";
        yield return "/usr/lib/python3/dist-packages";
    }

    private static IEnumerable<string> Expand(string pattern)
    {
        int star = pattern.IndexOf('*');
        if (star < 0) return [pattern];
        string parent = Path.GetDirectoryName(pattern[..star]) ?? "";
        string rest = pattern[star..];
        int slash = rest.IndexOfAny(['/', '\\']);
        string segmentPattern = slash < 0 ? rest : rest[..slash];
        string tail = slash < 0 ? "" : rest[(slash + 1)..];
        try
        {
            if (!Directory.Exists(parent)) return [];
            return Directory.EnumerateDirectories(parent, segmentPattern)
                .Select(dir => tail.Length == 0 ? dir : Path.Combine(dir, tail))
                .ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
