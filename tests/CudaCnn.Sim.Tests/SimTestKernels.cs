using CudaCnn.Runtime;

namespace CudaCnn.Sim.Tests;

/// <summary>Compiles the test kernels embedded under Kernels/ through the project's NVRTC pipeline.</summary>
internal static class SimTestKernels
{
    public static CompiledModule Compile(string fileName)
    {
        using var stream = typeof(SimTestKernels).Assembly.GetManifestResourceStream("Kernels/" + fileName)
            ?? throw new ArgumentException($"no embedded test kernel {fileName}", nameof(fileName));
        using var reader = new StreamReader(stream);
        return KernelCompiler.Shared.Compile(new KernelSource(fileName, reader.ReadToEnd()), CompileTarget.Ptx(8, 0));
    }

    /// <summary>A software GPU with the given kernel file loaded.</summary>
    public static (SimGpu Gpu, IGpuModule Module) Load(string fileName, SimOptions? options = null)
    {
        var gpu = new SimGpu(options ?? new SimOptions { Deterministic = true });
        return (gpu, gpu.LoadModule(Compile(fileName)));
    }

    public static DevicePtr Upload<T>(this SimGpu gpu, T[] data) where T : unmanaged
    {
        var p = gpu.Allocate(Math.Max(1, data.Length) * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        gpu.CopyToDevice<T>(p, data);
        return p;
    }

    public static T[] Download<T>(this SimGpu gpu, DevicePtr p, int count) where T : unmanaged
    {
        var result = new T[count];
        gpu.CopyToHost<T>(p, result);
        return result;
    }

    public static KernelArgs Args(params object[] values)
    {
        var args = new KernelArgs();
        foreach (var v in values)
        {
            switch (v)
            {
                case DevicePtr p: args.Add(p); break;
                case int i: args.Add(i); break;
                case float f: args.Add(f); break;
                case long l: args.Add(l); break;
                default: throw new ArgumentException($"unsupported argument type {v.GetType()}", nameof(values));
            }
        }
        return args;
    }
}
