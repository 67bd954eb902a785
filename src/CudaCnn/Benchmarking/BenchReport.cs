using System.Globalization;

namespace CudaCnn.Benchmarking;

/// <summary>A column of the report: its header and each row's cell ("" where it does not apply).</summary>
public sealed record BenchColumn(string Header, string Meaning, Func<BenchResult, string> Cell);

/// <summary>
/// Results with the figures that need other rows: the time ratio to the fastest baseline of the same group (cuDNN or
/// cuBLAS; above 1 means ours is slower) and the fraction of the measured device-to-device copy bandwidth.
/// <see cref="Columns"/> lists only the columns some row fills; <see cref="ToMarkdown"/> renders them.
/// </summary>
public sealed class BenchReport(IReadOnlyList<BenchResult> results)
{
    public IReadOnlyList<BenchResult> Results { get; } = results ?? throw new ArgumentNullException(nameof(results));

    /// <summary>The best device-to-device copy bandwidth measured (read + write bytes per second), NaN if none.</summary>
    public double CopyGigabytesPerSecond =>
        Results.Where(r => r.Case.Baseline == BaselineKind.Copy).Select(r => r.GigabytesPerSecond).DefaultIfEmpty(double.NaN).Max();

    /// <summary>Our time over the fastest <paramref name="kind"/> baseline's in the same suite and group; NaN for
    /// baseline rows and where the group has no such baseline.</summary>
    public double RatioTo(BenchResult result, BaselineKind kind)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Case.Baseline != BaselineKind.None) return double.NaN;
        double best = Results
            .Where(r => r.Case.Baseline == kind && r.Case.Suite == result.Case.Suite && r.Case.Group == result.Case.Group)
            .Select(r => r.Milliseconds).DefaultIfEmpty(double.NaN).Min();
        return result.Milliseconds / best;
    }

    /// <summary>GB/s of a memory-bound row over the copy's GB/s.</summary>
    public double CopyFraction(BenchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Case.Baseline == BaselineKind.None && result.Case.Suite == MemoryBenchCases.Suite
            ? result.GigabytesPerSecond / CopyGigabytesPerSecond
            : double.NaN;
    }

    public IReadOnlyList<BenchColumn> AllColumns =>
    [
        new("case", "suite/group/implementation", r => r.Case.Name),
        new("ms", "median time per run (K runs between two events, repeated)", r => Number(r.Milliseconds, 4)),
        new("TFLOP/s", "direct-algorithm FLOPs / time", r => Number(r.Tflops, 3)),
        new("GB/s", "compulsory bytes / time", r => Number(r.GigabytesPerSecond, 4)),
        new("% copy", "GB/s / the device-to-device copy's GB/s", r => Percent(CopyFraction(r))),
        new("x FMA base", "time / fastest cuDNN or cuBLAS time in FP32 (FMA) math", r => Number(RatioTo(r, BaselineKind.Fma), 2)),
        new("x TF32 base", "time / fastest cuDNN or cuBLAS time with TF32 allowed", r => Number(RatioTo(r, BaselineKind.Tf32), 2)),
        new("images/s", "batch / time per training step", r => Number(r.ImagesPerSecond, 1)),
        new("M thread-inst/s", "software GPU: thread-instructions per run / time / 1e6", r => Number(r.ThreadInstructionsPerSecond / 1e6, 1)),
        new("alloc B/run", "managed bytes allocated on the calling thread per run", r => r.AllocatedBytesPerRun.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>The columns at least one row fills.</summary>
    public IReadOnlyList<BenchColumn> Columns => AllColumns.Where(c => Results.Any(r => c.Cell(r).Length > 0)).ToList();

    public string ToMarkdown()
    {
        var columns = Columns;
        return MarkdownTable.Render(columns.Select(c => c.Header).ToList(), Results.Select(r => columns.Select(c => c.Cell(r)).ToList()).ToList(),
            rightAligned: columns.Select((_, i) => i > 0).ToList());
    }

    /// <summary>A number with <paramref name="significant"/> significant digits ("" for NaN).</summary>
    public static string Number(double value, int significant)
    {
        if (double.IsNaN(value) || double.IsInfinity(value)) return "";
        if (value == 0) return "0";
        int digits = Math.Max(0, significant - 1 - (int)Math.Floor(Math.Log10(Math.Abs(value))));
        return value.ToString("F" + Math.Min(digits, 6).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static string Percent(double fraction) => double.IsNaN(fraction) ? "" : Number(fraction * 100, 3) + "%";
}

/// <summary>GitHub-flavoured markdown tables.</summary>
public static class MarkdownTable
{
    /// <summary>A header row, an alignment row (<c>---:</c> where right-aligned) and one row per entry; pipes in
    /// cells are escaped.</summary>
    public static string Render(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlyList<bool> rightAligned)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(rightAligned);
        if (rightAligned.Count != headers.Count)
            throw new ArgumentException($"{rightAligned.Count} alignments for {headers.Count} columns", nameof(rightAligned));
        var text = new System.Text.StringBuilder();
        Row(text, headers);
        Row(text, rightAligned.Select(right => right ? "---:" : "---").ToList());
        foreach (var row in rows)
        {
            if (row.Count != headers.Count)
                throw new ArgumentException($"a row has {row.Count} cells, the table {headers.Count} columns", nameof(rows));
            Row(text, row);
        }
        return text.ToString();
    }

    private static void Row(System.Text.StringBuilder text, IReadOnlyList<string> cells)
    {
        text.Append('|');
        foreach (string cell in cells) text.Append(' ').Append(cell.Replace("|", "\\|", StringComparison.Ordinal)).Append(" |");
        text.Append('\n');
    }
}
