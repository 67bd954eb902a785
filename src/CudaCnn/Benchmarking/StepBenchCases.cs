using CudaCnn.Graph;
using CudaCnn.Models;
using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Benchmarking;

/// <summary>A model to train for one step: its factory and input shape at a batch size.</summary>
public sealed record StepModel(string Name, Func<Module> Create, TensorShape Input, int Classes)
{
    public string Id => $"{Name}.b{Input.N}";

    public static StepModel LeNet5(int batch) => new("lenet5", () => Models.LeNet5.Create(), Models.LeNet5.InputShape(batch), 10);
    public static StepModel AlexNet(int batch) => new("alexnet", () => Models.AlexNet.Create(), new TensorShape(batch, 3, Models.AlexNet.ImageSize, Models.AlexNet.ImageSize), 1000);
    public static StepModel Vgg16(int batch) => new("vgg16", () => Models.Vgg16.Create(), new TensorShape(batch, 3, Models.Vgg16.ImageSize, Models.Vgg16.ImageSize), 1000);
    public static StepModel ResNet50(int batch) => new("resnet50", () => ResNet.ResNet50(), new TensorShape(batch, 3, 224, 224), 1000);
}

/// <summary>
/// Full training steps (zero grads, forward, cross-entropy, backward, SGD with momentum) through <see cref="Trainer"/>
/// on <see cref="KernelOps"/>, and the managed overhead of a launch and of a step on <see cref="DryRunGpu"/>.
/// </summary>
public static class StepBenchCases
{
    /// <summary>One training step of <paramref name="model"/>; images/s = batch / time per step.</summary>
    public static BenchCase Step(StepModel model, int runsPerTiming = 1) =>
        new("step", model.Id, "ours.sgd-momentum", 0, 0, c => PrepareStep(c.Ops, model), Images: model.Input.N, RunsPerTiming: runsPerTiming);

    /// <summary>Host cost of one GEMM launch through <see cref="Kernels.GemmKernels"/> with the device launch skipped.</summary>
    public static BenchCase LaunchOverhead(int runsPerTiming = 1000) =>
        new("overhead", "launch.gemm64", "dry-run", 0, 0, c =>
        {
            var dry = new DryRunGpu(c.Gpu);
            var inner = new BenchContext(dry);
            var a = inner.Filled(new TensorShape(64, 64));
            var gemm = inner.Conv.Gemm;
            return new BenchInstance(() => gemm.Gemm(false, false, 64, 64, 64, 1f, a.Buffer, a.Buffer, 0f, a.Buffer), inner, a);
        }, RunsPerTiming: runsPerTiming, HostTimed: true);

    /// <summary>Host cost of one training step of <paramref name="model"/> with every launch skipped.</summary>
    public static BenchCase StepOverhead(StepModel model, int runsPerTiming = 100) =>
        new("overhead", $"step.{model.Id}", "dry-run", 0, 0, c =>
        {
            var inner = new BenchContext(new DryRunGpu(c.Gpu));
            var step = PrepareStep(inner.Ops, model);
            return new BenchInstance(step.Run, inner, step);
        }, Images: model.Input.N, RunsPerTiming: runsPerTiming, HostTimed: true);

    private static IBenchInstance PrepareStep(IOps ops, StepModel model)
    {
        var network = Network.Build(model.Create(), ops, model.Input, seed: 1);
        var trainer = new Trainer(network, new Sgd(network, new SgdParams(0.01, momentum: 0.9)));
        var random = new Random(1);
        var images = new float[model.Input.Elements];
        for (int i = 0; i < images.Length; i++) images[i] = (float)(random.NextDouble() - 0.5);
        var labels = new int[model.Input.N];
        for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(model.Classes);
        var x = network.CreateInput(model.Input, images);
        return new BenchInstance(() => trainer.Step(x, labels), network, trainer, x);
    }
}
