namespace CudaCnn.Runtime;

/// <summary>One kernel's resources on one architecture, and its occupancy at its launch block size.</summary>
public sealed record KernelResourceRow(
    string Kernel,
    string File,
    string Arch,
    PtxasResources Resources,
    int? BlockSize,
    Occupancy? Occupancy);

/// <summary>What <c>cudacnn kernels</c> prints: every embedded kernel compiled to a cubin for one architecture.</summary>
public static class KernelResourceReport
{
    /// <summary>Compiles every embedded kernel file for <paramref name="target"/> (a real sm_XY architecture
    /// with an occupancy table entry) and lists its kernels in file order.</summary>
    public static IReadOnlyList<KernelResourceRow> Build(KernelCompiler compiler, CompileTarget target)
    {
        ArgumentNullException.ThrowIfNull(compiler);
        if (!target.Cubin)
            throw new ArgumentException($"the resource report needs a real architecture (sm_XY) so ptxas runs, got {target}", nameof(target));
        var limits = ArchLimits.For(target);
        var rows = new List<KernelResourceRow>();
        foreach (string file in KernelSources.KernelFiles)
        {
            foreach (var kernel in compiler.Compile(file, target).Kernels)
            {
                var resources = kernel.Resources
                    ?? throw new InvalidOperationException($"ptxas reported nothing for {file}:{kernel.Name} on {target}");
                Occupancy? occupancy = kernel.LaunchBound is int block
                    ? Occupancy.Compute(limits, block, resources.Registers, resources.SharedBytes)
                    : null;
                rows.Add(new KernelResourceRow(kernel.Name, file, target.ArchOption, resources, kernel.LaunchBound, occupancy));
            }
        }
        return rows;
    }
}
