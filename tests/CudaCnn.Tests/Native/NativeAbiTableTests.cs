using System.Reflection;
using System.Runtime.InteropServices;
using CudaCnn.Native;

namespace CudaCnn.Tests.Native;

/// <summary>
/// Every [LibraryImport] of the binding classes against native-abi-table.tsv (transcribed from native-abi.md):
/// same set of (library, export), same return type and parameter types in order under the C → C# mapping of
/// <see cref="CTypeMapping"/>. A binding with a wrong export (cuMemAlloc instead of cuMemAlloc_v2), a missing or
/// extra parameter, a size_t bound as int, or a table row nobody binds fails here.
/// </summary>
public sealed class NativeAbiTableTests
{
    private static readonly Type[] BindingClasses = [typeof(CudaDriver), typeof(Nvrtc), typeof(Cublas), typeof(Cudnn)];

    private sealed record Row(string Library, string Export, string Return, IReadOnlyList<string> Parameters);

    private sealed record Binding(string Library, string Export, MethodInfo Method);

    private static readonly Lazy<IReadOnlyList<Row>> Table = new(ReadTable);
    private static readonly Lazy<IReadOnlyList<Binding>> Bindings = new(ReadBindings);

    [Fact]
    public void Table_has_one_row_per_export()
    {
        Assert.True(Table.Value.Count > 100, $"the table has only {Table.Value.Count} rows");
        var duplicates = Table.Value.GroupBy(r => r.Export).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        Assert.Empty(duplicates);
    }

    [Fact]
    public void Every_binding_declares_its_export_explicitly_and_only_once()
    {
        Assert.All(Bindings.Value, b => Assert.False(string.IsNullOrEmpty(b.Export), $"{b.Method.DeclaringType!.Name}.{b.Method.Name} has no EntryPoint"));
        var duplicates = Bindings.Value.GroupBy(b => b.Export).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        Assert.Empty(duplicates);
    }

    [Fact]
    public void Every_binding_is_in_the_table()
    {
        var rows = Table.Value.Select(r => (r.Library, r.Export)).ToHashSet();
        var unlisted = Bindings.Value.Where(b => !rows.Contains((b.Library, b.Export)))
            .Select(b => $"{b.Library}:{b.Export} ({b.Method.DeclaringType!.Name}.{b.Method.Name})").ToArray();
        Assert.True(unlisted.Length == 0, "bound but not in native-abi-table.tsv: " + string.Join(", ", unlisted));
    }

    [Fact]
    public void Every_table_row_is_bound()
    {
        var bound = Bindings.Value.Select(b => (b.Library, b.Export)).ToHashSet();
        var missing = Table.Value.Where(r => !bound.Contains((r.Library, r.Export))).Select(r => $"{r.Library}:{r.Export}").ToArray();
        Assert.True(missing.Length == 0, "in native-abi-table.tsv but not bound: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_signature_matches_its_row()
    {
        var rows = Table.Value.ToDictionary(r => r.Export);
        var problems = new List<string>();
        foreach (var binding in Bindings.Value)
        {
            if (!rows.TryGetValue(binding.Export, out var row)) continue; // reported by Every_binding_is_in_the_table
            problems.AddRange(Compare(binding.Method, row));
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void No_driver_or_cublas_binding_uses_a_legacy_unversioned_export()
    {
        // These names are still exported but are the old ABI (32-bit device pointers, handle-less cuBLAS).
        string[] legacy =
        [
            "cuMemAlloc", "cuMemFree", "cuMemcpyHtoD", "cuMemcpyDtoH", "cuMemcpyDtoD", "cuMemcpyHtoDAsync", "cuMemcpyDtoHAsync",
            "cuMemcpyDtoDAsync", "cuMemsetD32", "cuDeviceTotalMem", "cuMemGetInfo", "cuDevicePrimaryCtxRelease", "cuStreamDestroy",
            "cuEventDestroy", "cuCtxCreate", "cuCtxDestroy", "cublasCreate", "cublasDestroy", "cublasSetStream", "cublasSgemm",
            "cublasGetVersion",
        ];
        Assert.Empty(Bindings.Value.Select(b => b.Export).Intersect(legacy));
    }

    [Fact]
    public void The_mapping_rejects_wrong_types()
    {
        // Guards the checker itself: a check that accepts everything would pass every binding.
        Assert.False(CTypeMapping.Matches("size_t", typeof(int)));
        Assert.False(CTypeMapping.Matches("size_t", typeof(ulong)));
        Assert.False(CTypeMapping.Matches("CUdeviceptr", typeof(uint)));
        Assert.False(CTypeMapping.Matches("int *", typeof(int)));
        Assert.False(CTypeMapping.Matches("int", typeof(int).MakeByRefType()));
        Assert.False(CTypeMapping.Matches("double", typeof(float)));
        Assert.False(CTypeMapping.Matches("size_t *", typeof(int).MakeByRefType()));
        Assert.False(CTypeMapping.Matches("cudnnHandle_t", typeof(ulong)));
        Assert.False(CTypeMapping.Matches("cudnnDataType_t", typeof(long)));
        Assert.True(CTypeMapping.Matches("const char *const *", typeof(byte**)));
        Assert.True(CTypeMapping.Matches("CUdeviceptr *", typeof(ulong).MakeByRefType()));
        Assert.True(CTypeMapping.Matches("const void *", typeof(float*)));
    }

    [Fact]
    public void The_perf_struct_has_the_48_byte_layout_of_cudnn()
    {
        Assert.Equal(48, Marshal.SizeOf<CudnnAlgoPerf>());
        Assert.Equal(0, (int)Marshal.OffsetOf<CudnnAlgoPerf>(nameof(CudnnAlgoPerf.Algo)));
        Assert.Equal(4, (int)Marshal.OffsetOf<CudnnAlgoPerf>(nameof(CudnnAlgoPerf.Status)));
        Assert.Equal(8, (int)Marshal.OffsetOf<CudnnAlgoPerf>(nameof(CudnnAlgoPerf.TimeMilliseconds)));
        Assert.Equal(16, (int)Marshal.OffsetOf<CudnnAlgoPerf>(nameof(CudnnAlgoPerf.WorkspaceBytes)));
        Assert.Equal(24, (int)Marshal.OffsetOf<CudnnAlgoPerf>(nameof(CudnnAlgoPerf.Determinism)));
        Assert.Equal(28, (int)Marshal.OffsetOf<CudnnAlgoPerf>(nameof(CudnnAlgoPerf.MathType)));
        Assert.Equal(32, (int)Marshal.OffsetOf<CudnnAlgoPerf>(nameof(CudnnAlgoPerf.Reserved0)));
    }

    private static IEnumerable<string> Compare(MethodInfo method, Row row)
    {
        string where = $"{row.Export} ({method.DeclaringType!.Name}.{method.Name})";
        if (!CTypeMapping.Matches(row.Return, method.ReturnType))
            yield return $"{where}: returns {method.ReturnType.Name}, the C function returns {row.Return}";
        var parameters = method.GetParameters();
        if (parameters.Length != row.Parameters.Count)
        {
            yield return $"{where}: {parameters.Length} parameters, the C function has {row.Parameters.Count} ({string.Join("; ", row.Parameters)})";
            yield break;
        }
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!CTypeMapping.Matches(row.Parameters[i], parameters[i].ParameterType))
                yield return $"{where}: parameter {i} '{parameters[i].Name}' is {parameters[i].ParameterType}, the C type is {row.Parameters[i]}";
        }
    }

    private static IReadOnlyList<Row> ReadTable()
    {
        using var stream = typeof(NativeAbiTableTests).Assembly.GetManifestResourceStream("native-abi-table.tsv")
            ?? throw new InvalidOperationException("native-abi-table.tsv is not embedded in the test assembly");
        using var reader = new StreamReader(stream);
        var rows = new List<Row>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string[] cells = line.Split('\t');
            if (cells.Length != 4) throw new FormatException($"expected 4 tab-separated cells: '{line}'");
            string[] parameters = cells[3] == "-" ? [] : cells[3].Split("; ");
            rows.Add(new Row(cells[0], cells[1], cells[2], parameters));
        }
        return rows;
    }

    private static IReadOnlyList<Binding> ReadBindings() =>
        [.. BindingClasses
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (method, import: method.GetCustomAttribute<LibraryImportAttribute>()))
            .Where(m => m.import is not null)
            .Select(m => new Binding(m.import!.LibraryName, m.import.EntryPoint ?? "", m.method))];
}
