using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Runtime;

public class KernelCompilerTests
{
    // Memory cache only: these tests must not depend on (or write to) a disk cache.
    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);

    public static TheoryData<string, string> FilesAndTargets()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in KernelSources.KernelFiles)
        {
            foreach (string target in new[] { "compute_80", "sm_80", "sm_90" })
                data.Add(file, target);
        }
        return data;
    }

    [Fact]
    public void Kernel_files_and_headers_are_embedded()
    {
        Assert.Contains("elementwise.cu", KernelSources.KernelFiles);
        Assert.Contains(KernelSources.Headers, h => h.FileName == "common.cuh" && h.Text.Contains("GRID_STRIDE_LOOP"));
    }

    [NvrtcTheory]
    [MemberData(nameof(FilesAndTargets))]
    public void Every_kernel_file_compiles(string file, string target)
    {
        var module = Compiler.Compile(file, CompileTarget.Parse(target));

        Assert.NotEmpty(module.Image);
        Assert.NotEmpty(module.Kernels);
        Assert.All(module.Kernels, k => Assert.NotNull(k.LaunchBound));
        if (module.Target.Cubin)
        {
            Assert.Equal(0x7f, module.Image[0]);   // an ELF file
            Assert.All(module.Kernels, k => Assert.NotNull(k.Resources));
        }
        else
        {
            Assert.Contains($".target sm_{target[^2..]}", module.PtxText);
        }
    }

    [NvrtcFact]
    public void Options_always_include_cpp17_and_the_architecture_and_line_info_for_ptx()
    {
        var module = Compiler.Compile("elementwise.cu", CompileTarget.Parse("sm_80"));
        Assert.Equal(["--std=c++17", "--gpu-architecture=sm_80", "--ptxas-options=-v"], module.Options);
        Assert.Equal(["--std=c++17", "-lineinfo", "--gpu-architecture=compute_80", "-DX=1"],
            KernelCompiler.OptionsFor(CompileTarget.Parse("compute_80"), ["-DX=1"]));
    }

    [NvrtcFact]
    public void Line_info_is_in_the_ptx()
    {
        var module = Compiler.Compile("elementwise.cu", CompileTarget.Parse("compute_80"));
        Assert.Contains(".loc", module.PtxText);
        Assert.Contains(".file", module.PtxText);
    }

    [NvrtcFact]
    public void A_broken_source_names_the_file_and_the_line_of_the_first_error()
    {
        var source = new KernelSource("broken.cu",
            "#include \"common.cuh\"\n" +
            "extern \"C\" __global__ void k(float* out) {\n" +
            "    out[0] = undefined_name;\n" +
            "}\n");
        var error = Assert.Throws<KernelCompileException>(() => Compiler.Compile(source, CompileTarget.Parse("sm_80")));

        Assert.Equal("broken.cu", error.FileName);
        Assert.Equal("broken.cu", error.ErrorFile);
        Assert.Equal(3, error.Line);
        Assert.Contains("undefined_name", error.Log);
        Assert.Contains("--gpu-architecture=sm_80", error.Options);
        Assert.Contains("broken.cu(3)", error.Message);
        Assert.Contains("--std=c++17", error.Message);
    }

    [NvrtcFact]
    public void An_unsupported_architecture_is_named_with_the_supported_list()
    {
        var error = Assert.Throws<NotSupportedException>(() => Compiler.Compile("elementwise.cu", CompileTarget.Parse("sm_10")));
        Assert.Contains("cannot compile for sm_10", error.Message);
        Assert.Contains("80", error.Message);
    }
}
