using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CudaCnn.Native;

/// <summary>
/// Loads NVRTC, the CUDA driver, cuBLAS and cuDNN by their logical names ("nvrtc", "cuda", "cublas", "cudnn"),
/// probing versions newest first in an override variable, CUDA_PATH, pip wheels and the system loader.
/// The [LibraryImport] bindings of this assembly resolve through here. Each library is probed once per process.
/// </summary>
public static class NativeLibraries
{
    private static readonly ConcurrentDictionary<string, Lazy<(nint Handle, NativeLibraryTrace Trace)>> Probed = new();

    /// <summary>The logical names this resolver knows.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. NativeLibrarySpec.All.Select(spec => spec.Name)];

    /// <summary>Loads a library without throwing; the trace lists every attempt either way.</summary>
    public static bool TryLoad(string name, out nint handle, out NativeLibraryTrace trace)
    {
        var spec = NativeLibrarySpec.Get(name);
        (handle, trace) = Probed.GetOrAdd(spec.Name, _ => new Lazy<(nint, NativeLibraryTrace)>(() => Probe(spec))).Value;
        return handle != 0;
    }

    /// <summary>Loads a library or throws <see cref="NativeLibraryNotFoundException"/> listing every attempt.</summary>
    public static nint Load(string name) =>
        TryLoad(name, out nint handle, out var trace) ? handle : throw new NativeLibraryNotFoundException(trace);

    internal static NativePlatform CurrentPlatform =>
        OperatingSystem.IsWindows() ? NativePlatform.Windows : NativePlatform.Linux;

    private static (nint, NativeLibraryTrace) Probe(NativeLibrarySpec spec)
    {
        var platform = CurrentPlatform;
        Func<string, string?> environment = Environment.GetEnvironmentVariable;
        // Wheels are only looked for when the library has wheel folders: the driver never comes from pip.
        var sitePackages = spec.PipFolders(platform).Count > 0 ? SitePackages.Discover(platform, environment) : [];
        var candidates = LibraryCandidates.Build(spec, platform, environment, sitePackages);
        return LibraryProbe.Run(spec, candidates, SystemLibraryLoader.Instance);
    }

#pragma warning disable CA2255 // The resolver must be in place before the first P/Invoke of this assembly.
    [ModuleInitializer]
    internal static void RegisterResolver() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
#pragma warning restore CA2255

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        Names.Contains(libraryName) ? Load(libraryName) : 0;
}
