using CudaCnn.Runtime;

namespace CudaCnn.Tests.Runtime;

/// <summary>
/// An IGpu that runs nothing: it hands out addresses, records every call and every launch, and loads modules
/// by checking the requested kernel is in the compiled module. Lets launcher tests run without a device.
/// </summary>
internal sealed class RecordingGpu(int multiprocessors = 2, string name = "recording") : IGpu
{
    private ulong _next = 0x1000;

    public sealed record LaunchRecord(string Kernel, LaunchConfig Config, ulong[] Args, int[] Sizes);

    public List<string> Calls { get; } = [];
    public List<LaunchRecord> Launches { get; } = [];
    public List<CompiledModule> LoadedModules { get; } = [];

    /// <summary>When false, launches are only counted, so a test can measure the launcher's own allocations.</summary>
    public bool Recording { get; set; } = true;
    public int LaunchCount { get; private set; }

    public DeviceInfo Info { get; } = new(name, "recording", 8, 0, multiprocessors, 1L << 30, 1024, 48 * 1024, 32);
    public CompileTarget PreferredTarget => CompileTarget.Ptx(8, 0);
    public int LiveAllocations { get; private set; }

    public DevicePtr Allocate(long bytes)
    {
        Calls.Add(nameof(Allocate));
        LiveAllocations++;
        var ptr = new DevicePtr(_next);
        _next += (ulong)Math.Max(256, bytes);
        return ptr;
    }

    public void Free(DevicePtr ptr)
    {
        Calls.Add(nameof(Free));
        LiveAllocations--;
    }

    public void CopyToDevice<T>(DevicePtr dst, ReadOnlySpan<T> src) where T : unmanaged => Calls.Add(nameof(CopyToDevice));
    public void CopyToHost<T>(DevicePtr src, Span<T> dst) where T : unmanaged => Calls.Add(nameof(CopyToHost));
    public void CopyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes) => Calls.Add(nameof(CopyDeviceToDevice));
    public void Fill32(DevicePtr dst, uint pattern, long count) => Calls.Add(nameof(Fill32));

    public IGpuModule LoadModule(CompiledModule module)
    {
        Calls.Add(nameof(LoadModule));
        LoadedModules.Add(module);
        return new Module(module);
    }

    public void Launch(GpuKernel kernel, in LaunchConfig config, in KernelArgs args)
    {
        LaunchCount++;
        if (!Recording) return;
        Calls.Add(nameof(Launch));
        var bits = new ulong[args.Count];
        var sizes = new int[args.Count];
        for (int i = 0; i < args.Count; i++)
        {
            bits[i] = args.Bits(i);
            sizes[i] = args.Size(i);
        }
        Launches.Add(new LaunchRecord(kernel.Name, config, bits, sizes));
    }

    public void Synchronize() => Calls.Add(nameof(Synchronize));
    public IGpuTimer CreateTimer() => throw new NotSupportedException("the recording GPU has no clock");
    public void Dispose() { }

    private sealed class Module(CompiledModule source) : IGpuModule
    {
        public CompiledModule Source { get; } = source;

        public GpuKernel GetKernel(string name) =>
            Source.Kernels.Any(k => k.Name == name)
                ? new Kernel(name, this)
                : throw new ArgumentException($"{Source.FileName} has no kernel '{name}'", nameof(name));

        public void Dispose() { }
    }

    private sealed class Kernel(string name, IGpuModule module) : GpuKernel(name, module);
}
