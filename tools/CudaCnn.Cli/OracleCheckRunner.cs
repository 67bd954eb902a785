using CudaCnn.Native;
using CudaCnn.Oracle;
using CudaCnn.Runtime;

namespace CudaCnn.Cli;

/// <summary>
/// The cuDNN and cuBLAS part of <c>cudacnn check</c> on a CUDA device: the quick oracle catalog, or with --full the
/// whole one (benchmark layers included), ours vs the library vs the CPU reference, for the libraries that load. A missing library is reported in one line and its
/// comparisons are left out; the kernels were compared with the CPU reference either way.
/// </summary>
internal static class OracleCheckRunner
{
    /// <summary>Runs the comparisons; notes and progress go to standard error unless <paramref name="quiet"/>.</summary>
    public static List<CheckRow> Run(IGpu gpu, KernelLibrary library, string? op, bool full, bool quiet)
    {
        void Note(string line)
        {
            if (!quiet) Console.Error.WriteLine(line);
        }
        var rows = new List<CheckRow>();
        if (gpu is not CudaGpu cuda)
        {
            Note("cuDNN and cuBLAS comparisons need --device cuda; compared with CPU reference only");
            return rows;
        }
        var checks = (full ? OracleCheckCatalog.All : OracleCheckCatalog.Quick)
            .Where(c => op is null || string.Equals(c.Op, op, StringComparison.OrdinalIgnoreCase)).ToList();
        if (checks.Count == 0) return rows;

        var cudnn = Open(checks, OracleLibrary.Cudnn, "cuDNN", OracleLibraries.TryCudnn, () => new CudnnHandle(cuda), Note);
        var cublas = Open(checks, OracleLibrary.Cublas, "cuBLAS", OracleLibraries.TryCublas, () => new CublasGemm(cuda), Note);
        using var context = new OracleContext(library, cudnn, cublas);
        try
        {
            var available = checks.Where(c => c.Library == OracleLibrary.Cudnn ? cudnn is not null : cublas is not null).ToList();
            foreach (var check in available)
            {
                rows.Add(RunOne(check, context));
                if (!quiet) Console.Error.Write($"\r{rows.Count}/{available.Count} cuDNN/cuBLAS checks");
            }
            if (!quiet && available.Count > 0) Console.Error.WriteLine();
        }
        finally
        {
            cudnn?.Dispose();
            cublas?.Dispose();
        }
        return rows;
    }

    private delegate bool Probe(out string reason);

    private static T? Open<T>(List<OracleCheck> checks, OracleLibrary library, string name, Probe probe, Func<T> open, Action<string> note)
        where T : class
    {
        if (!checks.Any(c => c.Library == library)) return null;
        if (!probe(out string reason))
        {
            note($"{reason}; compared with CPU reference only");
            return null;
        }
        try
        {
            var opened = open();
            note($"comparing with {reason}");
            return opened;
        }
        catch (Exception e) when (e is CudaException or NativeLibraryNotFoundException or EntryPointNotFoundException)
        {
            note($"{name} could not be opened ({e.Message}); compared with CPU reference only");
            return null;
        }
    }

    private static CheckRow RunOne(OracleCheck check, OracleContext context)
    {
        string versus = check.Library == OracleLibrary.Cudnn ? "cuDNN" : "cuBLAS";
        string kernel = $"{check.Case} vs {versus}";
        try
        {
            var outcome = check.Run(context);
            var between = outcome.Comparisons.Select(c => c.Between ?? c.Theirs).ToList();
            return new CheckRow(check.Op, kernel, check.Shape, between.Max(c => c.MaxAbsError), between.Max(c => c.MaxRelError),
                between[0].Tolerance.ToString(), outcome.Passed, outcome.Passed ? null : outcome.Describe(), versus);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new CheckRow(check.Op, kernel, check.Shape, double.NaN, double.NaN, "-", false, $"{e.GetType().Name}: {e.Message}", versus);
        }
        finally
        {
            context.Release();
        }
    }
}
