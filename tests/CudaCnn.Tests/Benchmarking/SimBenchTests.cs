using CudaCnn.Benchmarking;
using CudaCnn.Sim;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Benchmarking;

/// <summary>The catalog's software-GPU cases run through the runner: times, instruction counts and report rows.</summary>
public class SimBenchTests
{
    [NvrtcFact]
    public void Sgemm_and_a_conv_layer_run_with_thread_instruction_counts()
    {
        using var sim = new SimGpu(new SimOptions { Deterministic = true, Checkers = SimCheckers.None });
        using var context = new BenchContext(sim);
        var settings = new BenchSettings(Repeats: 1, ThreadInstructions: () => sim.KernelStats.Values.Sum(s => s.ThreadInstructions));
        var cases = new BenchFilter("gemm/*,conv/small.*.fwd/ours.Winograd4x4").Apply(BenchCatalog.Sim());
        Assert.Equal(2, cases.Count);
        var report = new BenchReport(cases.Select(c => BenchRunner.Measure(c, context, settings)).ToList());
        foreach (var r in report.Results)
        {
            Assert.True(r.Milliseconds > 0, r.Case.Name);
            Assert.True(r.ThreadInstructionsPerRun > 0, r.Case.Name);
            Assert.True(r.Tflops > 0, r.Case.Name);
        }
        Assert.Contains("M thread-inst/s", report.ToMarkdown());
    }
}
