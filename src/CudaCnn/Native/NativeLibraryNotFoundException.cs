using System.Text;

namespace CudaCnn.Native;

/// <summary>A native library (NVRTC, the CUDA driver, cuBLAS, cuDNN) could not be loaded from anywhere tried.</summary>
public sealed class NativeLibraryNotFoundException : Exception
{
    public NativeLibraryNotFoundException(NativeLibraryTrace trace) : base(Describe(trace)) => Trace = trace;

    public NativeLibraryTrace Trace { get; }

    internal static string Describe(NativeLibraryTrace trace)
    {
        var text = new StringBuilder();
        var attempts = trace.Attempts;
        if (attempts.Count == 1 && attempts[0].Origin.StartsWith("CUDACNN_", StringComparison.Ordinal))
        {
            var only = attempts[0];
            text.Append($"{only.Origin} is set to '{only.Path}', but that file could not be loaded ({only.Outcome}: {only.Detail}). ");
            text.Append($"The override wins over every other location, so nothing else was tried. Fix the path or unset {only.Origin}.");
            return text.ToString();
        }
        text.Append($"Could not load the '{trace.Library}' library. Tried, in order:");
        foreach (var attempt in attempts)
            text.Append(Environment.NewLine).Append("  ").Append(attempt);
        text.Append(Environment.NewLine).Append("To fix: ").Append(trace.InstallHint).Append('.');
        return text.ToString();
    }
}
