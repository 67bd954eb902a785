namespace CudaCnn.Native;

/// <summary>
/// One place to try: a full path (with the sibling libraries to load first), or a bare file name handed to
/// the system loader. <see cref="Origin"/> says why it is on the list.
/// </summary>
internal sealed record ProbeCandidate(string Path, string Origin, IReadOnlyList<string> Dependencies, bool IsOverride = false)
{
    public bool IsBareName => Origin == LibraryCandidates.SystemLoaderOrigin;
}

/// <summary>
/// Builds the ordered candidate list for a library. A pure function of the platform, the environment and the
/// site-packages folders, so tests check the order without touching the machine.
/// Order: the override variable alone (it wins over everything and is never followed by a fallback); then
/// CUDA_PATH; then pip wheel folders; then the system loader by name. Explicit locations come before the
/// loader's search path; within each location the newest CUDA major comes first.
/// </summary>
internal static class LibraryCandidates
{
    public const string SystemLoaderOrigin = "system loader";
    public const string CudaPathVariable = "CUDA_PATH";

    public static IReadOnlyList<ProbeCandidate> Build(
        NativeLibrarySpec spec,
        NativePlatform platform,
        Func<string, string?> environment,
        IReadOnlyList<string> sitePackages)
    {
        string? overridePath = environment(spec.OverrideVariable);
        if (!string.IsNullOrWhiteSpace(overridePath))
            return [new ProbeCandidate(overridePath.Trim(), spec.OverrideVariable, [], IsOverride: true)];

        var files = spec.Files(platform);
        var candidates = new List<ProbeCandidate>();

        string? cudaPath = environment(CudaPathVariable);
        if (spec.SearchCudaPath && !string.IsNullOrWhiteSpace(cudaPath))
        {
            string[] subfolders = platform == NativePlatform.Windows ? ["bin/x64", "bin"] : ["lib64", "lib"];
            foreach (string sub in subfolders)
                AddFolder(candidates, platform, Join(platform, cudaPath.Trim(), sub), files, CudaPathVariable);
        }

        foreach (string site in sitePackages)
        {
            foreach (string folder in spec.PipFolders(platform))
                AddFolder(candidates, platform, Join(platform, site, folder), files, "pip wheel");
        }

        foreach (var file in files)
            candidates.Add(new ProbeCandidate(file.Name, SystemLoaderOrigin, file.Dependencies));
        return candidates;
    }

    private static void AddFolder(List<ProbeCandidate> candidates, NativePlatform platform, string folder,
        IReadOnlyList<LibraryFile> files, string origin)
    {
        foreach (var file in files)
        {
            var dependencies = file.Dependencies.Select(dep => Join(platform, folder, dep)).ToArray();
            candidates.Add(new ProbeCandidate(Join(platform, folder, file.Name), origin, dependencies));
        }
    }

    /// <summary>Joins with the target platform's separator (not the host's), so Windows lists build on Linux.</summary>
    internal static string Join(NativePlatform platform, string folder, string relative)
    {
        char separator = platform == NativePlatform.Windows ? '\\' : '/';
        string tail = relative.Replace('/', separator);
        return folder.TrimEnd('/', '\\') + separator + tail;
    }
}
