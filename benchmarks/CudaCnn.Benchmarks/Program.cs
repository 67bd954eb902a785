using BenchmarkDotNet.Running;
using CudaCnn.Benchmarks;
using CudaCnn.Runtime;

// The GPU suites need a CUDA device; without one they are left out with the reason, and the CPU suites still run.
Type[] gpuSuites = [typeof(GpuKernelBenchmarks), typeof(GpuTrainingStepBenchmarks)];
Type[] cpuSuites = [typeof(SimThroughputBenchmarks), typeof(SimCaseBenchmarks), typeof(LaunchOverheadBenchmarks)];
var suites = cpuSuites.ToList();
if (CudaGpu.TryProbe(out string reason)) suites.AddRange(gpuSuites);
else Console.WriteLine($"no CUDA device: skipped {string.Join(", ", gpuSuites.Select(t => t.Name))} ({reason})");
BenchmarkSwitcher.FromTypes([.. suites]).Run(args);
