using CudaCnn.Native;

namespace CudaCnn.Tests.Native;

public class LibraryProbeTests
{
    /// <summary>A machine with the given files; loading succeeds for the names in <c>loadable</c> only.</summary>
    private sealed class FakeLoader(string[] files, string[] loadable, string? locatedAt = null) : ILibraryLoader
    {
        public List<string> Loaded { get; } = [];
        public int Freed { get; private set; }
        public void Free(nint handle) => Freed++;
        public string? LocateLoaded(string bareName) => locatedAt;
        public bool FileExists(string path) => files.Contains(path);

        public nint Load(string pathOrName)
        {
            if (!loadable.Contains(pathOrName))
                throw new DllNotFoundException($"{pathOrName}: cannot open shared object file");
            Loaded.Add(pathOrName);
            return 42;
        }
    }

    private static IReadOnlyList<ProbeCandidate> Candidates(string library, Func<string, string?> env, params string[] sites) =>
        LibraryCandidates.Build(NativeLibrarySpec.Get(library), NativePlatform.Linux, env, sites);

    [Fact]
    public void Stops_at_the_first_library_that_loads_and_records_the_attempts_before_it()
    {
        var loader = new FakeLoader(files: [], loadable: ["libnvrtc.so.11.2"]);
        var (handle, trace) = LibraryProbe.Run(NativeLibrarySpec.Get("nvrtc"), Candidates("nvrtc", _ => null), loader);

        Assert.Equal(42, handle);
        Assert.Equal(["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2"], trace.Attempts.Select(a => a.Path));
        Assert.Equal([ProbeOutcome.Failed, ProbeOutcome.Failed, ProbeOutcome.Loaded], trace.Attempts.Select(a => a.Outcome));
        Assert.Equal("libnvrtc.so.11.2", trace.Loaded!.Path);
    }

    [Fact]
    public void Missing_files_are_not_handed_to_the_loader()
    {
        var loader = new FakeLoader(files: [], loadable: []);
        var (_, trace) = LibraryProbe.Run(NativeLibrarySpec.Get("nvrtc"), Candidates("nvrtc", _ => null, "/site"), loader);
        Assert.All(trace.Attempts.Where(a => a.Path.StartsWith('/')), a => Assert.Equal(ProbeOutcome.Missing, a.Outcome));
        Assert.Empty(loader.Loaded);
    }

    [Fact]
    public void Failure_message_lists_every_attempt_and_what_to_install()
    {
        var loader = new FakeLoader(files: [], loadable: []);
        var (handle, trace) = LibraryProbe.Run(NativeLibrarySpec.Get("nvrtc"), Candidates("nvrtc", _ => null, "/site"), loader);
        Assert.Equal(0, handle);

        string message = new NativeLibraryNotFoundException(trace).Message;
        Assert.Contains("Could not load the 'nvrtc' library", message);
        foreach (var attempt in trace.Attempts) Assert.Contains(attempt.Path, message);
        Assert.Contains("cannot open shared object file", message);
        Assert.Contains("apt-get install libnvrtc11.2", message);
        Assert.Contains("nvidia-cuda-nvrtc-cu12", message);
        Assert.Contains("CUDACNN_NVRTC_PATH", message);
    }

    [Fact]
    public void A_failing_override_is_an_error_that_names_the_variable_and_tries_nothing_else()
    {
        var loader = new FakeLoader(files: [], loadable: ["libnvrtc.so.11.2"]);
        var env = (string key) => key == "CUDACNN_NVRTC_PATH" ? "/nowhere/libnvrtc.so" : null;
        var (handle, trace) = LibraryProbe.Run(NativeLibrarySpec.Get("nvrtc"), Candidates("nvrtc", env), loader);

        Assert.Equal(0, handle);
        Assert.Single(trace.Attempts);
        string message = new NativeLibraryNotFoundException(trace).Message;
        Assert.Contains("CUDACNN_NVRTC_PATH is set to '/nowhere/libnvrtc.so'", message);
        Assert.Contains("no such file", message);
    }

    [Fact]
    public void Override_that_exists_is_loaded()
    {
        var loader = new FakeLoader(files: ["/mine/libnvrtc.so"], loadable: ["/mine/libnvrtc.so"]);
        var env = (string key) => key == "CUDACNN_NVRTC_PATH" ? "/mine/libnvrtc.so" : null;
        var (handle, trace) = LibraryProbe.Run(NativeLibrarySpec.Get("nvrtc"), Candidates("nvrtc", env), loader);
        Assert.Equal(42, handle);
        Assert.Equal("CUDACNN_NVRTC_PATH", trace.Loaded!.Origin);
    }

    [Fact]
    public void The_driver_is_never_loaded_from_a_toolkit_stubs_folder()
    {
        const string stub = "/usr/local/cuda/lib64/stubs/libcuda.so";
        var loader = new FakeLoader(files: [stub], loadable: [stub]);
        var env = (string key) => key == "CUDACNN_CUDA_DRIVER_PATH" ? stub : null;
        var (handle, trace) = LibraryProbe.Run(NativeLibrarySpec.Get("cuda"), Candidates("cuda", env), loader);

        Assert.Equal(0, handle);
        Assert.Equal(ProbeOutcome.Refused, Assert.Single(trace.Attempts).Outcome);
        Assert.Contains("CUDA_ERROR_STUB_LIBRARY", new NativeLibraryNotFoundException(trace).Message);
        Assert.Empty(loader.Loaded);
    }

    [Fact]
    public void The_driver_is_refused_when_the_system_loader_lands_on_a_stub()
    {
        var loader = new FakeLoader(files: [], loadable: ["libcuda.so.1"], locatedAt: "/usr/local/cuda/lib64/stubs/libcuda.so");
        var (handle, trace) = LibraryProbe.Run(NativeLibrarySpec.Get("cuda"), Candidates("cuda", _ => null), loader);

        Assert.Equal(0, handle);
        Assert.Equal(1, loader.Freed);
        var attempt = Assert.Single(trace.Attempts);
        Assert.Equal(ProbeOutcome.Refused, attempt.Outcome);
        Assert.Contains("the system loader found /usr/local/cuda/lib64/stubs/libcuda.so", attempt.Detail);
    }

    [Fact]
    public void A_library_found_by_name_records_the_file_it_came_from()
    {
        var loader = new FakeLoader(files: [], loadable: ["libcuda.so.1"], locatedAt: "/usr/lib/x86_64-linux-gnu/libcuda.so.535.261.03");
        var (handle, trace) = LibraryProbe.Run(NativeLibrarySpec.Get("cuda"), Candidates("cuda", _ => null), loader);
        Assert.Equal(42, handle);
        Assert.Equal("found at /usr/lib/x86_64-linux-gnu/libcuda.so.535.261.03", trace.Loaded!.Detail);
    }

    [Fact]
    public void Dependencies_present_next_to_the_library_are_loaded_first()
    {
        const string lt = "/site/nvidia/cublas/lib/libcublasLt.so.12", blas = "/site/nvidia/cublas/lib/libcublas.so.12";
        var loader = new FakeLoader(files: [lt, blas], loadable: [lt, blas]);
        var (handle, _) = LibraryProbe.Run(NativeLibrarySpec.Get("cublas"), Candidates("cublas", _ => null, "/site"), loader);
        Assert.Equal(42, handle);
        Assert.Equal([lt, blas], loader.Loaded);
    }

    [Fact]
    public void A_load_failure_keeps_only_the_loaders_own_reason()
    {
        const string dotnetText = "Unable to load shared library 'libcuda.so.1' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace.\n  libcuda.so.1: cannot open shared object file: No such file or directory";
        Assert.Equal("libcuda.so.1: cannot open shared object file: No such file or directory", LibraryProbe.LoaderReason(dotnetText));
        Assert.Equal("plain reason", LibraryProbe.LoaderReason("plain reason"));
    }
}
