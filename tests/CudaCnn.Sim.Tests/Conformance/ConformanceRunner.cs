using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CudaCnn.Runtime;

namespace CudaCnn.Sim.Tests.Conformance;

/// <summary>
/// Compiles <see cref="ConformanceSource"/> once per option set (precise and <c>--use_fast_math</c>, which turns the
/// f32 forms into their <c>.ftz</c> variants), runs one elementwise kernel through <see cref="SimGpu"/> and returns
/// its outputs for comparison with the C# semantics.
/// </summary>
internal static class ConformanceRunner
{
    private static readonly ConcurrentDictionary<(string Source, bool FastMath), Lazy<CompiledModule>> Modules = new();

    /// <summary>Threads per block; the shared-memory atomic kernel relies on at most 256.</summary>
    private const int BlockSize = 128;

    /// <summary>Runs <paramref name="kernel"/> of <see cref="ConformanceSource.Text"/> (or of <paramref name="source"/>).</summary>
    public static TOut[] Run<TIn, TOut>(string kernel, TIn[] a, TIn[]? b = null, TIn[]? c = null, bool fastMath = false,
        SimOptions? options = null, string source = ConformanceSource.Text) where TIn : unmanaged where TOut : unmanaged
    {
        int n = a.Length;
        if (b is not null && b.Length != n) throw new ArgumentException($"b has {b.Length} elements, a has {n}", nameof(b));
        if (c is not null && c.Length != n) throw new ArgumentException($"c has {c.Length} elements, a has {n}", nameof(c));
        using var gpu = new SimGpu(options ?? new SimOptions { Deterministic = true });
        var module = gpu.LoadModule(Modules.GetOrAdd((source, fastMath), key => new(() => Compile(key.Source, key.FastMath))).Value);
        var da = gpu.Upload(a);
        var db = gpu.Upload(b ?? new TIn[n]);
        var dc = gpu.Upload(c ?? new TIn[n]);
        var dOut = gpu.Allocate(Math.Max(1, n) * Unsafe.SizeOf<TOut>());
        gpu.Launch(module.GetKernel(kernel), LaunchConfig.For1D(n, BlockSize), SimTestKernels.Args(da, db, dc, dOut, n));
        var result = gpu.Download<TOut>(dOut, n);
        foreach (var p in new[] { da, db, dc, dOut }) gpu.Free(p);
        return result;
    }

    private static CompiledModule Compile(string source, bool fastMath) =>
        KernelCompiler.Shared.Compile(new KernelSource(ConformanceSource.FileName, source), CompileTarget.Ptx(8, 0),
            fastMath ? ["--use_fast_math"] : []);
}
