namespace CudaCnn.Native;

public enum ProbeOutcome
{
    /// <summary>The library loaded from here.</summary>
    Loaded,
    /// <summary>No file at this path.</summary>
    Missing,
    /// <summary>The file exists (or the loader was asked by name) but loading failed; the detail says why.</summary>
    Failed,
    /// <summary>Deliberately not loaded (for example the CUDA toolkit's link-time stub of libcuda).</summary>
    Refused,
}

/// <summary>One place the resolver tried, and what happened.</summary>
public sealed record ProbeAttempt(string Path, string Origin, ProbeOutcome Outcome, string Detail)
{
    public override string ToString() => $"{Path} ({Origin}): {Outcome}{(Detail.Length > 0 ? " - " + Detail : "")}";
}

/// <summary>The record of probing one logical library: every attempt in order, and where it loaded from.</summary>
public sealed record NativeLibraryTrace(string Library, IReadOnlyList<ProbeAttempt> Attempts, string InstallHint)
{
    public ProbeAttempt? Loaded => Attempts.FirstOrDefault(a => a.Outcome == ProbeOutcome.Loaded);
    public bool Succeeded => Loaded is not null;
}

/// <summary>How the probe touches the machine; tests substitute a fake.</summary>
internal interface ILibraryLoader
{
    bool FileExists(string path);

    /// <summary>Loads a library by full path or bare name; throws with the loader's message on failure.</summary>
    nint Load(string pathOrName);
}

internal sealed class SystemLibraryLoader : ILibraryLoader
{
    public static readonly SystemLibraryLoader Instance = new();
    public bool FileExists(string path) => File.Exists(path);
    public nint Load(string pathOrName) => System.Runtime.InteropServices.NativeLibrary.Load(pathOrName);
}

/// <summary>Walks a candidate list in order until one loads, recording every attempt.</summary>
internal static class LibraryProbe
{
    public static (nint Handle, NativeLibraryTrace Trace) Run(
        NativeLibrarySpec spec, IReadOnlyList<ProbeCandidate> candidates, ILibraryLoader loader)
    {
        var attempts = new List<ProbeAttempt>();
        foreach (var candidate in candidates)
        {
            var (handle, attempt) = Try(spec, candidate, loader);
            attempts.Add(attempt);
            if (handle != 0)
                return (handle, new NativeLibraryTrace(spec.Name, attempts, spec.InstallHint));
        }
        return (0, new NativeLibraryTrace(spec.Name, attempts, spec.InstallHint));
    }

    private static (nint, ProbeAttempt) Try(NativeLibrarySpec spec, ProbeCandidate candidate, ILibraryLoader loader)
    {
        ProbeAttempt Record(ProbeOutcome outcome, string detail) => new(candidate.Path, candidate.Origin, outcome, detail);

        if (spec.Name == NativeLibrarySpec.CudaDriver && IsToolkitStub(candidate.Path))
            return (0, Record(ProbeOutcome.Refused, "this is the CUDA toolkit's link-time stub, which fails every call with CUDA_ERROR_STUB_LIBRARY; load the driver's libcuda.so.1"));
        if (!candidate.IsBareName && !loader.FileExists(candidate.Path))
            return (0, Record(ProbeOutcome.Missing, "no such file"));
        try
        {
            foreach (string dependency in candidate.Dependencies)
            {
                if (loader.FileExists(dependency)) loader.Load(dependency);
            }
            return (loader.Load(candidate.Path), Record(ProbeOutcome.Loaded, ""));
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or IOException)
        {
            return (0, Record(ProbeOutcome.Failed, e.Message));
        }
    }

    private static bool IsToolkitStub(string path) =>
        path.Split('/', '\\').Any(segment => segment.Equals("stubs", StringComparison.OrdinalIgnoreCase));
}
