using CudaCnn.Runtime;

namespace CudaCnn.Benchmarking;

/// <summary>How a case is timed: warm-up runs, then <see cref="Repeats"/> timings of K runs (K from the case)
/// between two timer events with one synchronization each; the median per run is reported.</summary>
/// <param name="ThreadInstructions">Software GPU only: the device's running total of executed thread-instructions.</param>
public sealed record BenchSettings(int Repeats = 5, int WarmupRuns = 1, Func<long>? ThreadInstructions = null, int? RunsPerTiming = null);

/// <summary>The measurement of one case. Times are per run (one launch sequence of the case).</summary>
public sealed record BenchResult(BenchCase Case, double Milliseconds, double MinMilliseconds, long AllocatedBytesPerRun,
    long ThreadInstructionsPerRun)
{
    public double Tflops => Case.Flops > 0 ? BenchCost.Tflops(Case.Flops, Milliseconds) : double.NaN;
    public double GigabytesPerSecond => Case.Bytes > 0 ? BenchCost.GigabytesPerSecond(Case.Bytes, Milliseconds) : double.NaN;
    public double ImagesPerSecond => Case.Images > 0 ? Case.Images / (Milliseconds * 1e-3) : double.NaN;
    public double ThreadInstructionsPerSecond => ThreadInstructionsPerRun > 0 ? ThreadInstructionsPerRun / (Milliseconds * 1e-3) : double.NaN;
}

public static class BenchRunner
{
    /// <summary>Prepares the case (untimed), warms up, times it and disposes what it prepared. Allocations are this
    /// thread's managed bytes over the timed regions (timer reads excluded), divided by the runs.</summary>
    public static BenchResult Measure(BenchCase benchCase, BenchContext context, BenchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(benchCase);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Repeats < 1) throw new ArgumentOutOfRangeException(nameof(settings), settings.Repeats, "Repeats must be at least 1");
        int k = settings.RunsPerTiming ?? benchCase.RunsPerTiming;
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(settings), k, "runs per timing must be at least 1");

        using var instance = benchCase.Prepare(context);
        for (int i = 0; i < settings.WarmupRuns; i++) instance.Run();
        context.Gpu.Synchronize();

        using var timer = benchCase.HostTimed ? new HostTimer() : context.Gpu.CreateTimer();
        var perRun = new double[settings.Repeats];
        long allocated = 0;
        long instructionsBefore = settings.ThreadInstructions?.Invoke() ?? 0;
        for (int r = 0; r < settings.Repeats; r++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            timer.Start();
            for (int i = 0; i < k; i++) instance.Run();
            timer.Stop();
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            perRun[r] = timer.ElapsedMilliseconds / k;
        }
        long runs = (long)k * settings.Repeats;
        long instructions = settings.ThreadInstructions is { } count ? (count() - instructionsBefore) / runs : 0;
        Array.Sort(perRun);
        return new BenchResult(benchCase, Median(perRun), perRun[0], allocated / runs, instructions);
    }

    /// <summary>The median of sorted values (the mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> sorted)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0) throw new ArgumentException("no values", nameof(sorted));
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
