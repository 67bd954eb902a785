using CudaCnn.Runtime;
using CudaCnn.Sim;

namespace CudaCnn.Cli;

/// <summary>The --device option shared by commands: cuda, sim, or auto (cuda when a device is present, else sim).</summary>
internal static class DeviceChoice
{
    public static readonly string[] Names = ["auto", "cuda", "sim"];

    /// <summary>Opens the device; <paramref name="why"/> says which backend runs and, for auto, why.</summary>
    public static IGpu Open(string name, out string why)
    {
        switch (name)
        {
            case "cuda":
                why = "cuda: requested";
                return CudaGpu.Open();
            case "sim":
                why = "sim: requested (software GPU, memcheck/synccheck/racecheck on)";
                return new SimGpu();
            case "auto":
                if (CudaGpu.TryProbe(out string reason))
                {
                    why = "auto: a CUDA device is present";
                    return CudaGpu.Open();
                }
                why = $"auto: no CUDA device ({reason}); using the software GPU";
                return new SimGpu();
            default:
                throw new ArgumentException($"unknown device '{name}'; expected one of: {string.Join(", ", Names)}", nameof(name));
        }
    }
}
