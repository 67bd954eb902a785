using System.CommandLine;
using System.Text.Json;
using CudaCnn.Native;
using CudaCnn.Runtime;

namespace CudaCnn.Cli;

/// <summary>
/// <c>cudacnn info [--verbose] [--json]</c>: NVRTC (version, targets), the CUDA driver and its devices, cuBLAS and
/// cuDNN with versions or why they are missing. Without a GPU it says so in one line, with the probe's evidence
/// under it. Exit code 0 either way: a machine without a GPU is a valid answer, not an error.
/// </summary>
internal static class InfoCommand
{
    public const string Name = "info";

    public static Command Create()
    {
        var verbose = new Option<bool>("--verbose") { Description = "list every place each library was looked for" };
        var json = new Option<bool>("--json") { Description = "print one JSON object instead of text" };
        var command = new Command(Name, "show NVRTC, the CUDA driver, cuBLAS, cuDNN and the GPUs this machine offers")
        {
            verbose,
            json,
        };
        command.SetAction(result =>
        {
            var environment = CudaEnvironment.Probe();
            if (result.GetValue(json)) WriteJson(environment);
            else WriteText(environment, result.GetValue(verbose));
            return 0;
        });
        return command;
    }

    private static void WriteText(CudaEnvironment env, bool verbose)
    {
        WriteLibrary("NVRTC", env.Nvrtc, verbose);
        if (env.NvrtcArchs.Count > 0)
            Console.WriteLine($"           targets: {string.Join(" ", env.NvrtcArchs.Select(a => $"sm_{a}"))} (cubin) and compute_XY (PTX)");
        WriteLibrary("Driver", env.Driver, verbose);
        WriteLibrary("cuBLAS", env.Cublas, verbose);
        WriteLibrary("cuDNN", env.Cudnn, verbose);

        if (env.Devices.Count == 0)
        {
            Console.WriteLine("Devices    none");
            Console.WriteLine();
            Console.WriteLine(env.DriverProbe.HasDevice ? env.Driver.Problem : env.DriverProbe.Summary + ".");
            foreach (string line in NoDeviceEvidence(env))
                Console.WriteLine("  " + line);
            Console.WriteLine("  Kernels still compile with NVRTC and run on the software GPU (CudaCnn.Sim).");
            return;
        }
        for (int i = 0; i < env.Devices.Count; i++)
        {
            var d = env.Devices[i];
            Console.WriteLine($"{(i == 0 ? "Devices" : ""),-10} {i}: {d.Name}, {d.Arch}, {d.MultiprocessorCount} SMs, {d.TotalMemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB, " +
                              $"kernels as {Target(env, d)}");
        }
    }

    /// <summary>Where the driver was looked for and how to get it, or what the loaded driver said.</summary>
    private static IEnumerable<string> NoDeviceEvidence(CudaEnvironment env)
    {
        if (env.Driver.Loaded)
            return env.DriverProbe.Details.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        return env.Driver.Attempts.Select(a => "tried " + Brief(a)).Append("to fix: " + env.Driver.Trace.InstallHint);
    }

    private static void WriteLibrary(string label, NativeLibraryStatus status, bool verbose)
    {
        // The driver's problem is the no-GPU explanation printed after the table.
        bool isDriver = status.Library == NativeLibrarySpec.CudaDriver;
        string? problem = isDriver ? null : status.Problem;
        string text = status.Loaded
            ? $"{status.Version ?? "version unknown"}  {Where(status.LoadedFrom!)}" + (problem is null ? "" : $"; {problem}")
            : isDriver ? "not found (see below)" : problem ?? "not found";
        Console.WriteLine($"{label,-10} {text}");
        if (!verbose) return;
        foreach (var attempt in status.Attempts) Console.WriteLine($"             tried {Brief(attempt)}");
    }

    /// <summary>"libnvrtc.so.11.2 (system loader, found at /usr/lib/...)": the resolver notes the real file when it can.</summary>
    private static string Where(ProbeAttempt loaded) =>
        $"{loaded.Path} ({loaded.Origin}{(loaded.Detail.Length > 0 ? ", " + loaded.Detail : "")})";

    private static string Brief(ProbeAttempt attempt) =>
        $"{attempt.Path} ({attempt.Origin}): {attempt.Outcome}{(attempt.Detail.Length > 0 ? " - " + attempt.Detail : "")}";

    private static string Target(CudaEnvironment env, DeviceInfo device) =>
        env.NvrtcArchs.Count == 0 ? "(no NVRTC)" : CudaTargets.Choose(device.ComputeMajor, device.ComputeMinor, env.NvrtcArchs).ToString();

    private static void WriteJson(CudaEnvironment env) => JsonOutput.WriteObject(writer =>
    {
        writer.WriteBoolean("gpu_available", env.Devices.Count > 0);
        writer.WriteString("summary", env.DriverProbe.Summary);
        WriteLibraryJson(writer, "nvrtc", env.Nvrtc);
        writer.WriteStartArray("nvrtc_archs");
        foreach (int arch in env.NvrtcArchs) writer.WriteNumberValue(arch);
        writer.WriteEndArray();
        WriteLibraryJson(writer, "driver", env.Driver);
        WriteLibraryJson(writer, "cublas", env.Cublas);
        WriteLibraryJson(writer, "cudnn", env.Cudnn);
        writer.WriteStartArray("devices");
        for (int i = 0; i < env.Devices.Count; i++)
        {
            var d = env.Devices[i];
            writer.WriteStartObject();
            writer.WriteNumber("ordinal", i);
            writer.WriteString("name", d.Name);
            writer.WriteString("arch", d.Arch);
            writer.WriteNumber("multiprocessors", d.MultiprocessorCount);
            writer.WriteNumber("memory_bytes", d.TotalMemoryBytes);
            writer.WriteNumber("max_threads_per_block", d.MaxThreadsPerBlock);
            writer.WriteNumber("max_shared_bytes_per_block", d.MaxSharedMemoryPerBlock);
            if (env.NvrtcArchs.Count > 0) writer.WriteString("compile_target", Target(env, d));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    });

    private static void WriteLibraryJson(Utf8JsonWriter writer, string name, NativeLibraryStatus status)
    {
        writer.WriteStartObject(name);
        writer.WriteBoolean("loaded", status.Loaded);
        writer.WriteString("path", status.LoadedFrom?.Path);
        writer.WriteString("version", status.Version);
        writer.WriteString("problem", status.Problem);
        writer.WriteStartArray("attempts");
        foreach (var attempt in status.Attempts) writer.WriteStringValue(Brief(attempt));
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
