using System.Runtime.InteropServices;
using System.Text;
using CudaCnn.Native;

namespace CudaCnn.Runtime;

/// <summary>What one nvrtcCompileProgram produced: PTX always, a cubin for sm_XY targets, the log.</summary>
internal sealed record NvrtcOutput(bool Succeeded, string Ptx, byte[]? Cubin, string Log);

/// <summary>Marshals one NVRTC program through create / compile / get outputs / destroy.</summary>
internal static unsafe class NvrtcCompilation
{
    public static (int Major, int Minor) Version()
    {
        int major, minor;
        Nvrtc.Check(Nvrtc.Version(&major, &minor), "nvrtcVersion");
        return (major, minor);
    }

    /// <summary>The architectures (e.g. 80 for sm_80) the loaded NVRTC can target, ascending.</summary>
    public static int[] SupportedArchs()
    {
        int count;
        Nvrtc.Check(Nvrtc.GetNumSupportedArchs(&count), "nvrtcGetNumSupportedArchs");
        var archs = new int[count];
        fixed (int* p = archs) Nvrtc.Check(Nvrtc.GetSupportedArchs(p), "nvrtcGetSupportedArchs");
        return archs;
    }

    public static NvrtcOutput Compile(KernelSource source, IReadOnlyList<KernelSource> headers, IReadOnlyList<string> options, bool cubin)
    {
        using var strings = new Utf8Strings();
        byte** headerTexts = strings.Array(headers.Select(h => h.Text));
        byte** headerNames = strings.Array(headers.Select(h => h.FileName));
        byte** optionTexts = strings.Array(options);

        nint program;
        Nvrtc.Check(Nvrtc.CreateProgram(&program, strings.Add(source.Text), strings.Add(source.FileName),
            headers.Count, headerTexts, headerNames), "nvrtcCreateProgram");
        try
        {
            int result = Nvrtc.CompileProgram(program, options.Count, optionTexts);
            string log = ReadLog(program);
            if (result == NvrtcException.CompilationFailed)
                return new NvrtcOutput(false, "", null, log);
            Nvrtc.Check(result, "nvrtcCompileProgram");
            return new NvrtcOutput(true, ReadPtx(program), cubin ? ReadCubin(program) : null, log);
        }
        finally
        {
            Nvrtc.DestroyProgram(&program);
        }
    }

    private static string ReadLog(nint program) =>
        Text(Read(program, &Nvrtc.GetProgramLogSize, &Nvrtc.GetProgramLog, "nvrtcGetProgramLog"));

    private static string ReadPtx(nint program) => Text(Read(program, &Nvrtc.GetPtxSize, &Nvrtc.GetPtx, "nvrtcGetPTX"));

    private static byte[] ReadCubin(nint program) => Read(program, &Nvrtc.GetCubinSize, &Nvrtc.GetCubin, "nvrtcGetCUBIN");

    /// <summary>The size-then-fill pattern every NVRTC output getter follows.</summary>
    private static byte[] Read(nint program, delegate*<nint, nuint*, int> getSize, delegate*<nint, byte*, int> get, string function)
    {
        nuint size;
        Nvrtc.Check(getSize(program, &size), function + "Size");
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes) Nvrtc.Check(get(program, p), function);
        return bytes;
    }

    /// <summary>NVRTC sizes include the trailing NUL; drop it.</summary>
    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes).TrimEnd('\0');

    /// <summary>NUL-terminated UTF-8 copies in native memory, freed together.</summary>
    private sealed class Utf8Strings : IDisposable
    {
        private readonly List<nint> _allocations = [];

        public byte* Add(string text) => (byte*)Track(Marshal.StringToCoTaskMemUTF8(text));

        public byte** Array(IEnumerable<string> texts)
        {
            var items = texts.ToArray();
            byte** array = (byte**)Track(Marshal.AllocCoTaskMem(Math.Max(1, items.Length) * sizeof(nint)));
            for (int i = 0; i < items.Length; i++) array[i] = Add(items[i]);
            return array;
        }

        public void Dispose() => _allocations.ForEach(Marshal.FreeCoTaskMem);

        private nint Track(nint allocation)
        {
            _allocations.Add(allocation);
            return allocation;
        }
    }
}
