using System.Runtime.InteropServices;
using CudaCnn.Native;
using CudaCnn.Runtime;
using CudaCnn.Sim.Exec;
using CudaCnn.Sim.Memory;

namespace CudaCnn.Sim;

/// <summary>
/// The software GPU: an <see cref="IGpu"/> that interprets the PTX NVRTC emits, with compute-sanitizer-like
/// checkers and hardware-independent performance counters. Launches run synchronously on the calling thread
/// (CTAs in parallel on the thread pool unless <see cref="SimOptions.Deterministic"/>).
/// </summary>
public sealed class SimGpu : IGpu
{
    private readonly GlobalMemory _memory = new();
    private readonly Dictionary<string, LaunchStats> _perKernel = new(StringComparer.Ordinal);
    private readonly List<SimModule> _modules = [];
    private readonly LaunchState _launch;
    /// <summary>Workers (CTA state and executor) kept between launches; at most one per host thread a launch used.</summary>
    private readonly Stack<Executor> _idleWorkers = new();
    private readonly ParallelOptions _parallelOptions;
    private readonly Func<long, ParallelLoopState, Executor, Executor> _runParallel;
    private readonly Action<Executor> _finishParallel;
    private readonly Func<Executor> _rentWorker;
    private readonly long[] _parallelCounters = new long[(int)Counter.Count];
    private bool _disposed;

    public SimGpu(SimOptions? options = null)
    {
        Options = options ?? new SimOptions();
        if (Options.LocalBytesPerThread <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), Options.LocalBytesPerThread, "LocalBytesPerThread must be positive");
        if (Options.TotalMemoryBytes <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), Options.TotalMemoryBytes, "TotalMemoryBytes must be positive");
        _memory.TrackWrites = (Options.Checkers & SimCheckers.Initcheck) != 0;
        _launch = new LaunchState(_memory, Options);
        _parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism > 0 ? Options.MaxDegreeOfParallelism : Environment.ProcessorCount };
        _rentWorker = RentWorker;
        _runParallel = RunParallel;
        _finishParallel = FinishParallel;
        Info = new DeviceInfo("CudaCnn software GPU (PTX interpreter)", "sim", 8, 0, Environment.ProcessorCount,
            Options.TotalMemoryBytes, 1024, Options.MaxSharedMemoryPerBlock, 32) { MaxAllocationBytes = MaxAllocationBytes };
    }

    public SimOptions Options { get; }
    public DeviceInfo Info { get; }
    public CompileTarget PreferredTarget => CompileTarget.Ptx(8, 0);
    public int LiveAllocations => _memory.LiveCount;

    /// <summary>Counters of the most recent launch.</summary>
    public LaunchStats LastLaunch { get; private set; }

    /// <summary>Counters summed over all launches, by kernel name.</summary>
    public IReadOnlyDictionary<string, LaunchStats> KernelStats => _perKernel;

    /// <summary>The largest single allocation (reported as <see cref="DeviceInfo.MaxAllocationBytes"/>): each is backed
    /// by one byte array padded to 8 bytes and addressed with int offsets, so <see cref="Array.MaxLength"/> rounded
    /// down to 8 (2 GiB - 64 B).</summary>
    public static long MaxAllocationBytes { get; } = Array.MaxLength & ~7L;

    /// <summary>Device memory. A request over <see cref="MaxAllocationBytes"/> or over what is left of
    /// <see cref="SimOptions.TotalMemoryBytes"/> throws the CUDA backend's out-of-memory error (<see cref="CudaException"/>,
    /// CUDA_ERROR_OUT_OF_MEMORY) naming the sizes, before anything is allocated.</summary>
    public DevicePtr Allocate(long bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (bytes <= 0) throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "expected a positive byte count");
        if (bytes > MaxAllocationBytes)
            throw OutOfMemory($"Sim: cannot allocate {bytes} bytes: largest single allocation is {MaxAllocationBytes} bytes");
        if (bytes > Info.TotalMemoryBytes - _memory.LiveBytes)
            throw OutOfMemory($"Sim: cannot allocate {bytes} bytes: {_memory.LiveBytes} of the device's {Info.TotalMemoryBytes} bytes are in use");
        return new DevicePtr(_memory.Allocate(bytes, $"allocation of {bytes} bytes").Base);
    }

    private static CudaException OutOfMemory(string detail) =>
        CudaException.FromDriver("SimGpu.Allocate", CUresult.CUDA_ERROR_OUT_OF_MEMORY, detail);

    public void Free(DevicePtr ptr) => _memory.Free(ptr.Address);

    public void CopyToDevice<T>(DevicePtr dst, ReadOnlySpan<T> src) where T : unmanaged =>
        MemoryMarshal.AsBytes(src).CopyTo(_memory.Span(dst.Address, (long)src.Length * Marshal.SizeOf<T>(), nameof(dst), markWritten: true));

    public void CopyToHost<T>(DevicePtr src, Span<T> dst) where T : unmanaged =>
        _memory.Span(src.Address, (long)dst.Length * Marshal.SizeOf<T>(), nameof(src), markWritten: false).CopyTo(MemoryMarshal.AsBytes(dst));

    public void CopyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes)
    {
        var from = _memory.Span(src.Address, bytes, nameof(src), markWritten: false);
        from.CopyTo(_memory.Span(dst.Address, bytes, nameof(dst), markWritten: true));
    }

    public void Fill32(DevicePtr dst, uint pattern, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        MemoryMarshal.Cast<byte, uint>(_memory.Span(dst.Address, count * 4, nameof(dst), markWritten: true)).Fill(pattern);
    }

    public IGpuModule LoadModule(CompiledModule module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var m = new SimModule(this, module, _memory);
        _modules.Add(m);
        return m;
    }

    public void Launch(GpuKernel kernel, in LaunchConfig config, in KernelArgs args)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (kernel is not SimKernel k || k.SimModule.Gpu != this)
            throw new ArgumentException($"kernel {kernel.Name} was not loaded on this software GPU", nameof(kernel));
        // One launch at a time: the launch state and the worker pool are reused by every launch.
        lock (_launch)
        {
            PrepareLaunch(k, config, args);
            Span<long> counters = stackalloc long[(int)Counter.Count];
            counters[(int)Counter.Launches] = 1;
            RunGrid(counters);
            var stats = new LaunchStats(counters);
            LastLaunch = stats;
            _perKernel[k.Name] = _perKernel.TryGetValue(k.Name, out var sum) ? sum + stats : stats;
        }
    }

    private void PrepareLaunch(SimKernel k, in LaunchConfig config, in KernelArgs args)
    {
        var p = k.Program;
        ulong threads = config.Block.Volume;
        if (threads == 0 || threads > (ulong)Info.MaxThreadsPerBlock)
            throw new ArgumentOutOfRangeException(nameof(config), config.Block, $"kernel {k.Name}: expected 1 to {Info.MaxThreadsPerBlock} threads per block, got {threads}");
        if (config.Grid.Volume == 0)
            throw new ArgumentOutOfRangeException(nameof(config), config.Grid, $"kernel {k.Name}: the grid is empty");
        if (args.Count != p.Params.Length)
            throw new ArgumentException($"kernel {k.Name} takes {p.Params.Length} parameters, got {args.Count} arguments", nameof(args));
        for (int i = 0; i < args.Count; i++)
            if (args.Size(i) != p.Params[i].Size)
                throw new ArgumentException($"kernel {k.Name}, parameter {i}: expected a {p.Params[i].Size}-byte argument, got {args.Size(i)} bytes", nameof(args));
        int shared = p.DynamicSharedOffset + (int)config.SharedMemoryBytes;
        if (config.SharedMemoryBytes == 0) shared = Math.Max(p.StaticSharedBytes, 0);
        if (shared > Options.MaxSharedMemoryPerBlock)
            throw new ArgumentOutOfRangeException(nameof(config), config.SharedMemoryBytes,
                $"kernel {k.Name} needs {p.StaticSharedBytes} bytes of static plus {config.SharedMemoryBytes} bytes of dynamic shared memory; the limit is {Options.MaxSharedMemoryPerBlock}");
        var buffer = _launch.Begin(p, config, Math.Max(p.ParamBufferSize, 8), shared, (int)((LocalBytesPerThread(p) + 15) & ~15L));
        for (int i = 0; i < args.Count; i++)
        {
            var (offset, size) = p.Params[i];
            WriteLow(buffer.Slice(offset, size), args.Bits(i));
        }
    }

    /// <summary>
    /// Local memory per thread: none for kernels that never form a local address; the depots of the deepest call
    /// chain where the PTX bounds it (as ptxas sizes the stack); <see cref="SimOptions.LocalBytesPerThread"/> for a
    /// recursive call graph.
    /// </summary>
    private long LocalBytesPerThread(Decode.KernelProgram p) =>
        !p.UsesLocalMemory ? 0 : p.StackBytes ?? Math.Max(Options.LocalBytesPerThread, p.EntryDepotBytes);

    /// <summary>Writes the low <c>destination.Length</c> bytes of <paramref name="value"/> (little-endian).</summary>
    internal static void WriteLow(Span<byte> destination, ulong value)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = (byte)(value >> (8 * i));
    }

    private void RunGrid(Span<long> counters)
    {
        var grid = _launch.Config.Grid;
        long total = (long)grid.Volume;
        if (Options.Deterministic || total == 1 || Options.MaxDegreeOfParallelism == 1)
        {
            var ex = RentWorker();
            for (long i = 0; i < total; i++) RunOne(ex, grid, i);
            Merge(counters, ex.Counters);
            ReturnWorker(ex);
            return;
        }
        Array.Clear(_parallelCounters);
        try
        {
            Parallel.For(0, total, _parallelOptions, _rentWorker, _runParallel, _finishParallel);
        }
        catch (AggregateException ae) when (ae.InnerExceptions.FirstOrDefault(e => e is SimViolationException) is { } first)
        {
            throw first;
        }
        Merge(counters, _parallelCounters);
    }

    /// <summary>A worker from the pool (or a new one), prepared for the current launch.</summary>
    private Executor RentWorker()
    {
        Executor? ex;
        lock (_idleWorkers) _idleWorkers.TryPop(out ex);
        ex ??= new Executor(new CtaState(_launch));
        ex.BeginLaunch();
        return ex;
    }

    private void ReturnWorker(Executor ex)
    {
        ex.Cta.Trim();
        lock (_idleWorkers) _idleWorkers.Push(ex);
    }

    private Executor RunParallel(long i, ParallelLoopState state, Executor ex)
    {
        if (!state.ShouldExitCurrentIteration) RunOne(ex, _launch.Config.Grid, i);
        return ex;
    }

    private void FinishParallel(Executor ex)
    {
        lock (_idleWorkers) Merge(_parallelCounters, ex.Counters);
        ReturnWorker(ex);
    }

    private static void RunOne(Executor ex, Dim3 grid, long i) =>
        ex.RunCta((uint)(i % grid.X), (uint)(i / grid.X % grid.Y), (uint)(i / ((long)grid.X * grid.Y)));

    private static void Merge(Span<long> into, long[] from)
    {
        for (int c = 0; c < into.Length; c++) into[c] += from[c];
    }

    public void Synchronize() { }

    /// <summary>A host wall-clock timer: it measures interpretation time, not GPU time.</summary>
    public IGpuTimer CreateTimer() => new HostTimer();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var m in _modules) m.Dispose();
        _modules.Clear();
        lock (_idleWorkers) _idleWorkers.Clear();
    }
}
