using System.Reflection;
using System.Runtime.InteropServices;
using CudaCnn.Native;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Native;

public class NvrtcBindingTests
{
    public static TheoryData<string> Exports()
    {
        var data = new TheoryData<string>();
        foreach (var method in typeof(Nvrtc).GetMethods(BindingFlags.Static | BindingFlags.NonPublic))
        {
            if (method.GetCustomAttribute<LibraryImportAttribute>() is { } import)
                data.Add(import.EntryPoint ?? method.Name);
        }
        return data;
    }

    [Fact]
    public void The_binding_declares_the_core_nvrtc_functions()
    {
        Assert.Equal(15, Exports().Count);
    }

    [NvrtcTheory]
    [MemberData(nameof(Exports))]
    public void Every_export_resolves_in_the_installed_library(string export)
    {
        nint handle = NativeLibraries.Load("nvrtc");
        Assert.True(NativeLibrary.TryGetExport(handle, export, out _), $"{export} is not exported by the loaded NVRTC");
    }

    [NvrtcFact]
    public unsafe void Version_and_supported_archs_are_read_through_the_resolver()
    {
        int major, minor, count;
        Nvrtc.Check(Nvrtc.Version(&major, &minor), "nvrtcVersion");
        Assert.True(major >= 11, $"NVRTC {major}.{minor}");
        Nvrtc.Check(Nvrtc.GetNumSupportedArchs(&count), "nvrtcGetNumSupportedArchs");
        Assert.InRange(count, 1, 64);
    }

    [NvrtcFact]
    public void A_failing_call_names_the_function_and_code()
    {
        var error = Assert.Throws<NvrtcException>(() => Nvrtc.Check(6, "nvrtcCompileProgram"));
        Assert.Equal("NVRTC_ERROR_COMPILATION", error.CodeName);
        Assert.Contains("nvrtcCompileProgram failed with NVRTC_ERROR_COMPILATION (6)", error.Message);
    }
}
