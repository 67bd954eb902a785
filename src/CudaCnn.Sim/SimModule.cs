using CudaCnn.Runtime;
using CudaCnn.Sim.Decode;
using CudaCnn.Sim.Memory;
using CudaCnn.Sim.Ptx;

namespace CudaCnn.Sim;

/// <summary>A PTX module loaded into a <see cref="SimGpu"/>: parsed once, kernels decoded on first use.</summary>
internal sealed class SimModule : IGpuModule
{
    private readonly PtxModuleAst _ast;
    private readonly Dictionary<string, SymbolAddress> _symbols;
    private readonly Dictionary<string, SimKernel> _kernels = new(StringComparer.Ordinal);
    private readonly List<ulong> _dataAllocations = [];
    private readonly GlobalMemory _memory;

    public SimModule(SimGpu gpu, CompiledModule source, GlobalMemory memory)
    {
        Gpu = gpu;
        Source = source;
        _memory = memory;
        if (source.Target.Cubin)
            throw new ArgumentException($"{source.FileName} is a cubin for {source.Target}; the software GPU runs PTX (compile for {gpu.PreferredTarget})", nameof(source));
        _ast = PtxParser.Parse(source.PtxText);
        _symbols = AllocateModuleData(source.FileName);
        // Decode every kernel now so unsupported PTX fails at load time, not at the first launch.
        foreach (var f in _ast.Functions.Values)
            if (f.IsEntry && f.HasBody) _kernels[f.Name] = new SimKernel(f.Name, this, Decoder.Decode(_ast, f.Name, _symbols));
    }

    public SimGpu Gpu { get; }
    public CompiledModule Source { get; }

    public GpuKernel GetKernel(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _kernels.TryGetValue(name, out var k) ? k
            : throw new ArgumentException($"module {Source.FileName} has no kernel '{name}' (it has: {string.Join(", ", _kernels.Keys)})", nameof(name));
    }

    /// <summary>.global and .const variables become device allocations initialised from the module.</summary>
    private Dictionary<string, SymbolAddress> AllocateModuleData(string file)
    {
        var symbols = new Dictionary<string, SymbolAddress>(StringComparer.Ordinal);
        var vars = _ast.Globals.Where(g => g.Space is StateSpace.Global or StateSpace.Const).ToList();
        foreach (var v in vars)
        {
            var a = _memory.Allocate(Math.Max(v.Size, 1), $"module:{file}:{v.Name}");
            _dataAllocations.Add(a.Base);
            if (a.Written is not null) Array.Fill(a.Written, true);
            symbols[v.Name] = new SymbolAddress(v.Space, a.Base);
        }
        var functions = Decoder.FunctionAddresses(_ast);
        foreach (var v in vars)
        {
            var data = _memory.Find(symbols[v.Name].Address)!.Data;
            v.Init?.CopyTo(data, 0);
            foreach (var (offset, size, name) in v.SymbolInit)
            {
                ulong value = functions.TryGetValue(name, out var fa) ? fa
                    : symbols.TryGetValue(name, out var sa) ? sa.Address
                    : throw new PtxLoadException(0, $"initializer of {v.Name} names unknown symbol '{name}'");
                SimGpu.WriteLow(data.AsSpan((int)offset, size), value);
            }
        }
        return symbols;
    }

    public void Dispose()
    {
        foreach (var a in _dataAllocations) _memory.Free(a);
        _dataAllocations.Clear();
    }
}

/// <summary>A kernel of a <see cref="SimModule"/> with its decoded program.</summary>
internal sealed class SimKernel(string name, SimModule module, KernelProgram program) : GpuKernel(name, module)
{
    public KernelProgram Program { get; } = program;
    public SimModule SimModule { get; } = module;
}
