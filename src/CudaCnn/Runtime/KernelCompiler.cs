using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace CudaCnn.Runtime;

/// <summary>
/// Compiles CUDA C++ with NVRTC: an embedded kernel file or any (name, text) source, always with every embedded
/// header available to <c>#include</c>. Results are cached in memory and on disk, keyed by a SHA-256 of the
/// sources (headers included), the options, the NVRTC version and the target.
/// </summary>
public sealed class KernelCompiler
{
    public const string CacheDirectoryVariable = "CUDACNN_CACHE_DIR";

    private static readonly Lazy<KernelCompiler> SharedInstance = new(() => new KernelCompiler(DefaultCacheDirectory()));

    private readonly ConcurrentDictionary<string, CompiledModule> _memory = new(StringComparer.Ordinal);
    private readonly KernelDiskCache? _disk;
    private readonly Lazy<(int Major, int Minor)> _version = new(NvrtcCompilation.Version);
    private readonly Lazy<int[]> _supportedArchs = new(NvrtcCompilation.SupportedArchs);
    private long _compilations, _memoryHits, _diskHits, _corruptEntries;

    /// <param name="cacheDirectory">Where compiled kernels are kept across runs; null keeps them in memory only.</param>
    public KernelCompiler(string? cacheDirectory)
    {
        if (cacheDirectory is not null) _disk = new KernelDiskCache(cacheDirectory);
    }

    /// <summary>One compiler for the process, caching under <see cref="DefaultCacheDirectory"/>.</summary>
    public static KernelCompiler Shared => SharedInstance.Value;

    public string? CacheDirectory => _disk?.Directory;

    /// <summary>The loaded NVRTC's version; the first call loads NVRTC (throws if it is missing).</summary>
    public (int Major, int Minor) NvrtcVersion => _version.Value;

    /// <summary>The architectures the loaded NVRTC can target (80 for sm_80/compute_80), ascending.</summary>
    public IReadOnlyList<int> SupportedArchs => _supportedArchs.Value;

    /// <summary>How many compilations ran NVRTC, and how many were answered by each cache.</summary>
    public long Compilations => Interlocked.Read(ref _compilations);
    public long MemoryHits => Interlocked.Read(ref _memoryHits);
    public long DiskHits => Interlocked.Read(ref _diskHits);
    public long CorruptEntries => Interlocked.Read(ref _corruptEntries);

    /// <summary>CUDACNN_CACHE_DIR, else $XDG_CACHE_HOME/cudacnn, else ~/.cache/cudacnn (LocalAppData on Windows).</summary>
    public static string DefaultCacheDirectory()
    {
        if (Environment.GetEnvironmentVariable(CacheDirectoryVariable) is { Length: > 0 } explicitDir) return explicitDir;
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "cudacnn", "cache");
        if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg) return Path.Combine(xdg, "cudacnn");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "cudacnn");
    }

    /// <summary>The options every compilation gets, then <paramref name="extraOptions"/>.</summary>
    public static IReadOnlyList<string> OptionsFor(CompileTarget target, IReadOnlyList<string>? extraOptions = null)
    {
        var options = new List<string> { "--std=c++17" };
        // Line info only in PTX (the software GPU maps faults to .cu lines with it): NVRTC 11.8's ptxas crashes
        // (unbounded recursion, a stack overflow in the host process) on -lineinfo cubins of gemm.cu/winograd.cu.
        if (!target.Cubin) options.Add("-lineinfo");
        options.Add($"--gpu-architecture={target.ArchOption}");
        // ptxas only runs for a real architecture; its verbose report is what KernelReport parses.
        if (target.Cubin) options.Add("--ptxas-options=-v");
        if (extraOptions is not null) options.AddRange(extraOptions);
        return options;
    }

    /// <summary>Compiles an embedded kernel file such as "elementwise.cu".</summary>
    public CompiledModule Compile(string fileName, CompileTarget target, IReadOnlyList<string>? extraOptions = null) =>
        Compile(KernelSources.Get(fileName), target, extraOptions);

    /// <summary>Compiles any source; it may include the embedded headers.</summary>
    public CompiledModule Compile(KernelSource source, CompileTarget target, IReadOnlyList<string>? extraOptions = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var options = OptionsFor(target, extraOptions);
        var headers = KernelSources.Headers;
        string key = CacheKey(source, headers, options, NvrtcVersion, target);

        if (_memory.TryGetValue(key, out var cached))
        {
            Interlocked.Increment(ref _memoryHits);
            return cached;
        }
        var module = FromDisk(key, source, target, options) ?? CompileNow(key, source, headers, target, options);
        return _memory.GetOrAdd(key, module);
    }

    /// <summary>The cache key: SHA-256 (hex) over length-prefixed fields, so no two inputs share a key.</summary>
    internal static string CacheKey(KernelSource source, IReadOnlyList<KernelSource> headers, IReadOnlyList<string> options,
        (int Major, int Minor) nvrtcVersion, CompileTarget target)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Field(string text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }
        Field("cudacnn-kernel v1");
        Field($"nvrtc {nvrtcVersion.Major}.{nvrtcVersion.Minor}");
        Field(target.ArchOption);
        Field(options.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (string option in options) Field(option);
        Field(source.FileName);
        Field(source.Text);
        foreach (var header in headers.OrderBy(h => h.FileName, StringComparer.Ordinal))
        {
            Field(header.FileName);
            Field(header.Text);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private CompiledModule? FromDisk(string key, KernelSource source, CompileTarget target, IReadOnlyList<string> options)
    {
        if (_disk is null) return null;
        if (_disk.TryRead(key, out bool corrupt) is { } entry)
        {
            Interlocked.Increment(ref _diskHits);
            return Module(source, target, options, entry);
        }
        // A damaged entry is recompiled and overwritten by the caller.
        if (corrupt) Interlocked.Increment(ref _corruptEntries);
        return null;
    }

    private CompiledModule CompileNow(string key, KernelSource source, IReadOnlyList<KernelSource> headers,
        CompileTarget target, IReadOnlyList<string> options)
    {
        CheckSupported(target);
        Interlocked.Increment(ref _compilations);
        var output = NvrtcCompilation.Compile(source, headers, options, target.Cubin);
        if (!output.Succeeded)
            throw new KernelCompileException(source.FileName, target, options, output.Log);
        byte[] image = output.Cubin ?? Encoding.UTF8.GetBytes(output.Ptx);
        var entry = new CachedCompilation(image, output.Ptx, output.Log);
        _disk?.Write(key, entry);
        return Module(source, target, options, entry);
    }

    private void CheckSupported(CompileTarget target)
    {
        int arch = target.Major * 10 + target.Minor;
        if (SupportedArchs.Contains(arch)) return;
        var (major, minor) = NvrtcVersion;
        throw new NotSupportedException(
            $"NVRTC {major}.{minor} cannot compile for {target}: it supports {string.Join(", ", SupportedArchs)} " +
            "(as sm_XY for a cubin or compute_XY for PTX). Use one of those, or install a newer NVRTC.");
    }

    private static CompiledModule Module(KernelSource source, CompileTarget target, IReadOnlyList<string> options, CachedCompilation entry) =>
        new(source.FileName, target, entry.Image, entry.Log, options) { Kernels = KernelReport.Describe(entry.Ptx, entry.Log) };
}
