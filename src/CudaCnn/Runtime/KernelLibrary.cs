namespace CudaCnn.Runtime;

/// <summary>
/// The kernels of one device: compiles each embedded kernel file for the device's preferred target, loads each
/// module once and hands out kernels by (file, name). Typed launchers hold one and resolve their kernels once.
/// Dispose unloads the modules.
/// </summary>
public sealed class KernelLibrary(IGpu gpu, KernelCompiler? compiler = null) : IDisposable
{
    private readonly KernelCompiler _compiler = compiler ?? KernelCompiler.Shared;
    private readonly Dictionary<string, IGpuModule> _modules = new(StringComparer.Ordinal);
    private readonly Dictionary<(string File, string Kernel), GpuKernel> _kernels = [];
    private readonly Lock _lock = new();
    private bool _disposed;

    public IGpu Gpu { get; } = gpu ?? throw new ArgumentNullException(nameof(gpu));

    /// <summary>The loaded module of an embedded kernel file, compiling and loading it on first use.</summary>
    public IGpuModule Module(string fileName)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_modules.TryGetValue(fileName, out var module))
            {
                module = Gpu.LoadModule(_compiler.Compile(fileName, Gpu.PreferredTarget));
                _modules.Add(fileName, module);
            }
            return module;
        }
    }

    /// <summary>The kernel <paramref name="kernelName"/> of the embedded file <paramref name="fileName"/>.</summary>
    public GpuKernel Kernel(string fileName, string kernelName)
    {
        lock (_lock)
        {
            if (!_kernels.TryGetValue((fileName, kernelName), out var kernel))
            {
                kernel = Module(fileName).GetKernel(kernelName);
                _kernels.Add((fileName, kernelName), kernel);
            }
            return kernel;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var module in _modules.Values) module.Dispose();
            _modules.Clear();
            _kernels.Clear();
        }
    }
}
