using System.Reflection;

namespace CudaCnn.Runtime;

/// <summary>A CUDA source to compile: a file name (for messages and #line info) and its text.</summary>
public sealed record KernelSource(string FileName, string Text);

/// <summary>
/// The CUDA sources embedded in CudaCnn.dll (resources named <c>kernels/&lt;file&gt;</c>): the kernel files
/// (*.cu) and the headers (*.cuh) handed to NVRTC so <c>#include "common.cuh"</c> needs nothing on disk.
/// </summary>
public static class KernelSources
{
    private const string Prefix = "kernels/";
    private static readonly Assembly Owner = typeof(KernelSources).Assembly;
    private static readonly Lazy<IReadOnlyList<KernelSource>> AllSources = new(LoadAll);

    /// <summary>Every kernel file (*.cu), sorted by name.</summary>
    public static IReadOnlyList<string> KernelFiles =>
        [.. AllSources.Value.Where(s => s.FileName.EndsWith(".cu", StringComparison.Ordinal)).Select(s => s.FileName)];

    /// <summary>Every header (*.cuh), sorted by name.</summary>
    public static IReadOnlyList<KernelSource> Headers =>
        [.. AllSources.Value.Where(s => s.FileName.EndsWith(".cuh", StringComparison.Ordinal))];

    /// <summary>The embedded file of that name (e.g. "elementwise.cu").</summary>
    public static KernelSource Get(string fileName) =>
        AllSources.Value.FirstOrDefault(s => s.FileName == fileName)
        ?? throw new ArgumentException(
            $"no embedded kernel source '{fileName}'; embedded: {string.Join(", ", AllSources.Value.Select(s => s.FileName))}",
            nameof(fileName));

    private static IReadOnlyList<KernelSource> LoadAll() =>
    [
        .. Owner.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new KernelSource(name[Prefix.Length..], Read(name))),
    ];

    private static string Read(string resource)
    {
        using var stream = Owner.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
