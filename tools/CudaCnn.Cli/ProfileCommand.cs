using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CudaCnn.Checks;
using CudaCnn.Runtime;
using CudaCnn.Sim;
using Spectre.Console;

namespace CudaCnn.Cli;

/// <summary>
/// <c>cudacnn profile [--op NAME] [--json]</c>: runs the check catalog on the software GPU (deterministic mode) and
/// prints its counters per kernel and shape. Counter definitions: docs/software-gpu.md.
/// </summary>
internal static class ProfileCommand
{
    public const string Name = "profile";

    public static Command Create()
    {
        var op = new Option<string?>("--op") { Description = $"one op family: {string.Join(", ", KernelCheckCatalog.Ops)}" };
        var json = new Option<bool>("--json") { Description = "print a JSON array instead of a table" };
        var command = new Command(Name, "software-GPU counters (instructions, FLOPs, sectors, bank conflicts, divergence) per kernel") { op, json };
        command.SetAction(r => Run(r.GetValue(op), r.GetValue(json)));
        return command;
    }

    private static int Run(string? op, bool json)
    {
        IReadOnlyList<KernelCheck> checks;
        try
        {
            checks = KernelCheckCatalog.For(op);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"cudacnn profile: {e.Message}");
            return 2;
        }

        var rows = new List<ProfileRow>();
        foreach (var check in checks)
        {
            // A fresh device per check, so its per-kernel counters cover exactly this check's launches.
            using var sim = new SimGpu(new SimOptions { Deterministic = true });
            using var library = new KernelLibrary(sim);
            using (var context = new CheckContext(library))
                check.Run(context);
            foreach (var (kernel, stats) in sim.KernelStats.OrderBy(k => k.Key, StringComparer.Ordinal))
                rows.Add(new ProfileRow(check, kernel, stats));
            if (!json) Console.Error.Write($"\r{rows.Count} kernels profiled");
        }
        if (!json) Console.Error.WriteLine();

        if (json) JsonOutput.WriteArray(rows, WriteJson);
        else
        {
            WriteTable(rows);
            foreach (var ratio in ConvFlopRatios.From(rows.Select(r => (r.Check, r.Kernel, r.Stats.Flops32))))
                Console.WriteLine(ratio);
        }
        return 0;
    }

    private static void WriteTable(List<ProfileRow> rows)
    {
        var table = new Table().Title("Software-GPU counters (PTX-level; see docs/software-gpu.md)");
        foreach (string column in new[] { "op", "kernel", "shape", "warp inst", "thread inst", "efficiency", "flops",
                     "ld sect/req (ideal)", "st sect/req (ideal)", "bank confl", "div br", "barriers" })
            table.AddColumn(column);
        foreach (var r in rows)
        {
            var s = r.Stats;
            table.AddRow(Markup.Escape(r.Check.Op), Markup.Escape(r.Kernel), Markup.Escape(r.Check.Shape),
                Int(s.WarpInstructions), Int(s.ThreadInstructions), $"{s.WarpExecutionEfficiency * 100:0.0}%", Int(s.Flops),
                $"{Ratio(s.GlobalLoadSectorsPerRequest)} ({Ratio(s.GlobalLoadIdealSectorsPerRequest)})",
                $"{Ratio(s.GlobalStoreSectorsPerRequest)} ({Ratio(s.GlobalStoreIdealSectorsPerRequest)})",
                Int(s.SharedBankConflicts), Int(s.DivergentBranches), Int(s.Barriers));
        }
        AnsiConsole.Write(table);
    }

    private static void WriteJson(Utf8JsonWriter w, ProfileRow r)
    {
        var s = r.Stats;
        w.WriteString("op", r.Check.Op);
        w.WriteString("kernel", r.Kernel);
        w.WriteString("shape", r.Check.Shape);
        w.WriteNumber("launches", s.Launches);
        w.WriteNumber("warp_instructions", s.WarpInstructions);
        w.WriteNumber("thread_instructions", s.ThreadInstructions);
        w.WriteNumber("warp_execution_efficiency", Math.Round(s.WarpExecutionEfficiency, 4));
        w.WriteNumber("flops", s.Flops);
        w.WriteNumber("global_load_requests", s.GlobalLoadRequests);
        w.WriteNumber("global_load_sectors_per_request", Math.Round(s.GlobalLoadSectorsPerRequest, 3));
        w.WriteNumber("global_load_ideal_sectors_per_request", Math.Round(s.GlobalLoadIdealSectorsPerRequest, 3));
        w.WriteNumber("global_store_requests", s.GlobalStoreRequests);
        w.WriteNumber("global_store_sectors_per_request", Math.Round(s.GlobalStoreSectorsPerRequest, 3));
        w.WriteNumber("global_store_ideal_sectors_per_request", Math.Round(s.GlobalStoreIdealSectorsPerRequest, 3));
        w.WriteNumber("shared_bank_conflicts", s.SharedBankConflicts);
        w.WriteNumber("branches", s.Branches);
        w.WriteNumber("divergent_branches", s.DivergentBranches);
        w.WriteNumber("barriers", s.Barriers);
    }

    private static string Int(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
    private static string Ratio(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private sealed record ProfileRow(KernelCheck Check, string Kernel, LaunchStats Stats);
}
