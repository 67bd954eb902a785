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

    void Free(nint handle);

    /// <summary>The file a library loaded by bare name came from, where the platform can say; else null.</summary>
    string? LocateLoaded(string bareName);
}

internal sealed class SystemLibraryLoader : ILibraryLoader
{
    public static readonly SystemLibraryLoader Instance = new();
    public bool FileExists(string path) => File.Exists(path);

    public nint Load(string pathOrName)
    {
        if (OperatingSystem.IsWindows() && Path.GetDirectoryName(pathOrName) is { Length: > 0 } folder)
            AddToWindowsSearchPath(folder);
        return System.Runtime.InteropServices.NativeLibrary.Load(pathOrName);
    }

    public void Free(nint handle) => System.Runtime.InteropServices.NativeLibrary.Free(handle);

    /// <summary>
    /// On Linux, the mapped file whose name starts like the soname ("libcuda.so" for "libcuda.so.1"):
    /// /proc/self/maps shows the real file behind the soname's symlink.
    /// </summary>
    public string? LocateLoaded(string bareName)
    {
        int so = bareName.IndexOf(".so", StringComparison.Ordinal);
        if (!OperatingSystem.IsLinux() || so < 0) return null;
        string stem = bareName[..(so + 3)];
        try
        {
            return File.ReadLines("/proc/self/maps")
                .Select(line => line.IndexOf('/') is int slash and >= 0 ? line[slash..] : null)
                .FirstOrDefault(path => path is not null && Path.GetFileName(path).StartsWith(stem, StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// NVRTC loads its builtins DLL, and the cuDNN shim its sub-libraries, by bare name when first used;
    /// on Windows that search includes PATH, so the folder a library came from goes in front of it.
    /// </summary>
    private static void AddToWindowsSearchPath(string folder)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!path.Split(';').Contains(folder, StringComparer.OrdinalIgnoreCase))
            Environment.SetEnvironmentVariable("PATH", folder + ";" + path);
    }
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
            return (0, Record(ProbeOutcome.Refused, $"this is {StubExplanation}"));
        if (!candidate.IsBareName && !loader.FileExists(candidate.Path))
            return (0, Record(ProbeOutcome.Missing, "no such file"));
        try
        {
            foreach (string dependency in candidate.Dependencies)
            {
                if (loader.FileExists(dependency)) loader.Load(dependency);
            }
            nint handle = loader.Load(candidate.Path);
            if (!candidate.IsBareName) return (handle, Record(ProbeOutcome.Loaded, ""));
            // The system loader may still land on a stub (a container's LD_LIBRARY_PATH can hold stubs/libcuda.so.1).
            string? file = loader.LocateLoaded(candidate.Path);
            if (spec.Name == NativeLibrarySpec.CudaDriver && file is not null && IsToolkitStub(file))
            {
                loader.Free(handle);
                return (0, Record(ProbeOutcome.Refused, $"the system loader found {file}, {StubExplanation}"));
            }
            return (handle, Record(ProbeOutcome.Loaded, file is null ? "" : $"found at {file}"));
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or IOException)
        {
            return (0, Record(ProbeOutcome.Failed, LoaderReason(e.Message)));
        }
    }

    /// <summary>.NET's load failure text is several lines of advice ending with the loader's own reason (dlerror):
    /// keep that last line, so every message built from the trace stays one line per attempt.</summary>
    internal static string LoaderReason(string message) =>
        message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? message;

    private const string StubExplanation =
        "the CUDA toolkit's link-time stub, which fails every call with CUDA_ERROR_STUB_LIBRARY; the driver's libcuda.so.1 is needed";

    private static bool IsToolkitStub(string path) =>
        path.Split('/', '\\').Any(segment => segment.Equals("stubs", StringComparison.OrdinalIgnoreCase));
}
