using System.Text;
using CudaCnn.Native;

namespace CudaCnn.Runtime;

/// <summary>A module loaded into a <see cref="CudaGpu"/>'s context; kernels are looked up once and cached.</summary>
internal sealed unsafe class CudaModule : IGpuModule
{
    // The PTX JIT writes its messages here; errors name the PTX line, so keep enough room for a useful log.
    private const int JitLogBytes = 16 * 1024;

    private readonly Dictionary<string, CudaKernel> _kernels = new(StringComparer.Ordinal);
    private nint _handle;

    private CudaModule(CudaGpu gpu, CompiledModule source, nint handle)
    {
        Gpu = gpu;
        Source = source;
        _handle = handle;
    }

    public CudaGpu Gpu { get; }
    public CompiledModule Source { get; }
    public bool IsDisposed => _handle == 0;

    /// <summary>Loads a cubin as is, or PTX (NUL-terminated as the driver requires) through the driver's JIT.</summary>
    public static CudaModule Load(CudaGpu gpu, CompiledModule source)
    {
        byte[] image = source.Target.Cubin ? source.Image : [.. source.Image, 0];
        byte[] errorLog = new byte[JitLogBytes];
        CUjit_option* options = stackalloc CUjit_option[2];
        void** values = stackalloc void*[2];
        options[0] = CUjit_option.CU_JIT_ERROR_LOG_BUFFER;
        options[1] = CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES;
        fixed (byte* imagePtr = image)
        fixed (byte* logPtr = errorLog)
        {
            values[0] = logPtr;
            values[1] = (void*)(nuint)JitLogBytes; // integer options travel in the pointer slot itself
            CUresult result = CudaDriver.ModuleLoadDataEx(out nint handle, imagePtr, 2, options, values);
            if (result != CUresult.CUDA_SUCCESS)
                throw CudaException.FromDriver("cuModuleLoadDataEx", result, DescribeFailure(source, result, errorLog));
            return new CudaModule(gpu, source, handle);
        }
    }

    public GpuKernel GetKernel(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_kernels.TryGetValue(name, out var cached)) return cached;
        Gpu.MakeCurrent();
        nint module = Handle;
        byte[] utf8 = Encoding.UTF8.GetBytes(name + "\0");
        nint function;
        fixed (byte* namePtr = utf8)
        {
            CUresult result = CudaDriver.ModuleGetFunction(out function, module, namePtr);
            if (result == CUresult.CUDA_ERROR_NOT_FOUND)
                throw new ArgumentException($"{Source.FileName} ({Source.Target}) has no kernel named '{name}'; kernels are looked up by their extern \"C\" names", nameof(name));
            CudaDriver.Check(result, "cuModuleGetFunction");
        }
        var kernel = new CudaKernel(name, this, function, ReadLimits(function));
        _kernels.Add(name, kernel);
        return kernel;
    }

    internal nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException($"module {Source.FileName} ({Source.Target})");

    public void Dispose()
    {
        if (_handle == 0) return;
        Gpu.MakeCurrent();
        nint handle = _handle;
        _handle = 0;
        Gpu.Forget(this);
        CudaDriver.Check(CudaDriver.ModuleUnload(handle), "cuModuleUnload");
    }

    private static KernelLimits ReadLimits(nint function) => new(
        Attribute(function, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK),
        Attribute(function, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES),
        Attribute(function, CUfunction_attribute.CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES),
        Attribute(function, CUfunction_attribute.CU_FUNC_ATTRIBUTE_NUM_REGS));

    private static int Attribute(nint function, CUfunction_attribute attribute)
    {
        CudaDriver.Check(CudaDriver.FuncGetAttribute(out int value, attribute, function), "cuFuncGetAttribute");
        return value;
    }

    private static string DescribeFailure(CompiledModule source, CUresult result, byte[] errorLog)
    {
        int length = Array.IndexOf(errorLog, (byte)0);
        string log = Encoding.UTF8.GetString(errorLog, 0, length < 0 ? errorLog.Length : length).Trim();
        var text = new StringBuilder($"while loading {source.FileName} ({source.Target}, {source.Image.Length} bytes)");
        if (result is CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION or CUresult.CUDA_ERROR_INVALID_PTX)
            text.Append("; PTX from an NVRTC newer than the driver cannot be JIT-compiled: update the driver or compile a cubin (sm_XY)");
        if (log.Length > 0) text.Append(Environment.NewLine).Append("JIT log: ").Append(log);
        return text.ToString();
    }
}

/// <summary>A kernel of a <see cref="CudaModule"/>: its CUfunction and its per-block limits.</summary>
internal sealed class CudaKernel(string name, CudaModule module, nint handle, KernelLimits limits) : GpuKernel(name, module)
{
    public CudaModule Owner { get; } = module;
    public KernelLimits Limits { get; } = limits;

    /// <summary>The CUfunction; invalid once the module is unloaded, so this throws then.</summary>
    public nint Handle => Owner.IsDisposed ? throw new ObjectDisposedException($"kernel {Name}: its module {Owner.Source.FileName} was disposed") : handle;
}
