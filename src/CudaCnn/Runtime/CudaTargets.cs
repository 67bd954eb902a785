namespace CudaCnn.Runtime;

/// <summary>Which code a device of a given compute capability can run, and which one to ask NVRTC for.</summary>
internal static class CudaTargets
{
    /// <summary>
    /// A cubin for the device's own arch when NVRTC can produce one (no JIT at load time); otherwise PTX for the
    /// newest virtual arch NVRTC supports that is not newer than the device (the driver JIT-compiles it, e.g. a
    /// Blackwell GPU with NVRTC 11.8 gets compute_90).
    /// </summary>
    public static CompileTarget Choose(int deviceMajor, int deviceMinor, IReadOnlyList<int> nvrtcArchs)
    {
        int device = deviceMajor * 10 + deviceMinor;
        if (nvrtcArchs.Contains(device)) return CompileTarget.Sass(deviceMajor, deviceMinor);
        int best = nvrtcArchs.Where(arch => arch <= device).DefaultIfEmpty(-1).Max();
        if (best < 0)
            throw new NotSupportedException(
                $"the device is sm_{device}, older than every architecture this NVRTC supports ({string.Join(", ", nvrtcArchs.Select(a => $"compute_{a}"))})");
        return CompileTarget.Ptx(best / 10, best % 10);
    }

    /// <summary>
    /// A cubin runs on its own major version at the same or a later minor (sm_80 code on sm_86); PTX runs on its
    /// virtual arch and every later one.
    /// </summary>
    public static bool CanRun(CompileTarget target, int deviceMajor, int deviceMinor) => target.Cubin
        ? target.Major == deviceMajor && target.Minor <= deviceMinor
        : target.Major * 10 + target.Minor <= deviceMajor * 10 + deviceMinor;
}
