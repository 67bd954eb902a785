using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Runtime;

public sealed class KernelCacheTests : IDisposable
{
    private static readonly CompileTarget Sm80 = CompileTarget.Parse("sm_80");
    private static readonly KernelSource Source = new("tiny.cu", "extern \"C\" __global__ void __launch_bounds__(32) k(float* o) { o[threadIdx.x] = 1.0f; }");
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cudacnn-cache-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static string Key(KernelSource source, IReadOnlyList<string> options, (int, int) version, CompileTarget target,
        IReadOnlyList<KernelSource>? headers = null) =>
        KernelCompiler.CacheKey(source, headers ?? [], options, version, target);

    [Fact]
    public void Every_input_changes_the_key()
    {
        var options = KernelCompiler.OptionsFor(Sm80);
        string baseline = Key(Source, options, (11, 8), Sm80);

        Assert.Equal(baseline, Key(Source, [.. options], (11, 8), Sm80));
        Assert.NotEqual(baseline, Key(Source, KernelCompiler.OptionsFor(Sm80, ["-DX=1"]), (11, 8), Sm80));
        Assert.NotEqual(baseline, Key(Source, options, (12, 0), Sm80));
        Assert.NotEqual(baseline, Key(Source, options, (11, 8), CompileTarget.Parse("sm_90")));
        Assert.NotEqual(baseline, Key(Source with { Text = Source.Text + " " }, options, (11, 8), Sm80));
        Assert.NotEqual(baseline, Key(Source with { FileName = "other.cu" }, options, (11, 8), Sm80));
        Assert.NotEqual(baseline, Key(Source, options, (11, 8), Sm80, [new KernelSource("common.cuh", "// v2")]));
    }

    [Fact]
    public void Field_boundaries_are_part_of_the_key()
    {
        Assert.NotEqual(
            Key(Source, ["-DA", "B"], (11, 8), Sm80),
            Key(Source, ["-DAB"], (11, 8), Sm80));
    }

    [NvrtcFact]
    public void Second_compile_is_a_memory_hit_and_a_new_compiler_reads_the_disk()
    {
        var first = new KernelCompiler(_directory);
        var compiled = first.Compile(Source, Sm80);
        Assert.Same(compiled, first.Compile(Source, Sm80));
        Assert.Equal((1L, 1L, 0L), (first.Compilations, first.MemoryHits, first.DiskHits));
        Assert.Single(Directory.GetFiles(_directory));

        var second = new KernelCompiler(_directory);
        var fromDisk = second.Compile(Source, Sm80);
        Assert.Equal((0L, 1L), (second.Compilations, second.DiskHits));
        Assert.Equal(compiled.Image, fromDisk.Image);
        Assert.Equal(compiled.Log, fromDisk.Log);
        Assert.Equal(compiled.Kernels, fromDisk.Kernels);
    }

    [NvrtcFact]
    public void Different_options_compile_again_into_a_second_entry()
    {
        var compiler = new KernelCompiler(_directory);
        compiler.Compile(Source, Sm80);
        compiler.Compile(Source, Sm80, ["-DUNUSED=1"]);
        Assert.Equal(2, compiler.Compilations);
        Assert.Equal(2, Directory.GetFiles(_directory).Length);
    }

    [NvrtcTheory]
    [InlineData("flip a byte")]
    [InlineData("truncate")]
    [InlineData("empty")]
    public void A_corrupt_entry_is_recompiled_and_rewritten(string damage)
    {
        var good = new KernelCompiler(_directory).Compile(Source, Sm80);
        string file = Assert.Single(Directory.GetFiles(_directory));
        byte[] bytes = File.ReadAllBytes(file);
        switch (damage)
        {
            case "flip a byte": bytes[bytes.Length / 2] ^= 0x5a; break;
            case "truncate": bytes = bytes[..(bytes.Length - 10)]; break;
            default: bytes = []; break;
        }
        File.WriteAllBytes(file, bytes);

        var recovering = new KernelCompiler(_directory);
        Assert.Equal(good.Image, recovering.Compile(Source, Sm80).Image);
        Assert.Equal((1L, 1L, 0L), (recovering.CorruptEntries, recovering.Compilations, recovering.DiskHits));

        var after = new KernelCompiler(_directory);
        after.Compile(Source, Sm80);
        Assert.Equal(1, after.DiskHits);
    }

    [NvrtcFact]
    public void No_temporary_files_are_left_behind()
    {
        var compiler = new KernelCompiler(_directory);
        compiler.Compile(Source, Sm80);
        compiler.Compile(Source, CompileTarget.Parse("compute_80"));
        Assert.All(Directory.GetFiles(_directory), f => Assert.EndsWith(".bin", f));
    }

    [NvrtcFact]
    public void An_unwritable_cache_directory_only_costs_speed()
    {
        string blocker = Path.Combine(Path.GetTempPath(), "cudacnn-cache-blocker-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(blocker, "a file where the cache directory should be");
        try
        {
            var compiler = new KernelCompiler(Path.Combine(blocker, "cache"));
            Assert.NotEmpty(compiler.Compile(Source, Sm80).Image);
        }
        finally
        {
            File.Delete(blocker);
        }
    }
}
