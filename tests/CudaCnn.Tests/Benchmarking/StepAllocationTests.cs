using CudaCnn.Benchmarking;
using CudaCnn.Graph;
using CudaCnn.Layers;
using CudaCnn.Models;
using CudaCnn.Ops;
using CudaCnn.Runtime;
using CudaCnn.Sim;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Benchmarking;

/// <summary>
/// A steady-state training step (Trainer.Step: train mode, zero grads, forward, cross-entropy, backward, optimizer
/// step) allocates no managed memory on the host: measured with GC.GetAllocatedBytesForCurrentThread around steps on
/// <see cref="DryRunGpu"/> over the software GPU, after warm-up steps that load the kernels, fill the workspace and
/// create the optimizer state.
/// </summary>
public sealed class StepAllocationTests : IDisposable
{
    private const int WarmUpSteps = 2;
    private const int MeasuredSteps = 5;
    private readonly SimGpu _sim = new(new SimOptions { Checkers = SimCheckers.None });
    private readonly DryRunGpu _gpu;
    private readonly BenchContext _context;

    public StepAllocationTests()
    {
        _gpu = new DryRunGpu(_sim);
        _context = new BenchContext(_gpu);
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in (string[])["lenet5", "resnet", "resnet-frozen-stem", "dropout-mlp", "concat"])
            foreach (var optimizer in (string[])["sgd", "adam"])
                data.Add(model, optimizer);
        return data;
    }

    [NvrtcTheory]
    [MemberData(nameof(Cases))]
    public void A_steady_state_training_step_allocates_nothing(string model, string optimizerName)
    {
        var (module, input) = Model(model);
        using var network = Network.Build(module, _context.Ops, input, seed: 1);
        using var trainer = new Trainer(network, Optimizer(optimizerName, network));
        using var x = network.CreateInput(input, new float[input.Elements]);
        int[] labels = [.. Enumerable.Range(0, input.N).Select(i => i % 10)];

        for (int i = 0; i < WarmUpSteps; i++) trainer.Step(x, labels);
        long launchesBefore = _gpu.Launches;
        long allocated = SteadyStateAllocation.Bytes(() =>
        {
            for (int i = 0; i < MeasuredSteps; i++) trainer.Step(x, labels);
        });

        Assert.True(_gpu.Launches > launchesBefore, "the steps launched nothing");
        Assert.True(allocated == 0, $"{allocated} bytes allocated over {MeasuredSteps} steady-state steps ({(double)allocated / MeasuredSteps:F1} per step)");
    }

    private static (Module Model, TensorShape Input) Model(string name)
    {
        switch (name)
        {
            case "lenet5":
                return (LeNet5.Create(), LeNet5.InputShape(4));
            case "resnet":
                // Basic blocks with batch norm, an identity and a projection shortcut.
                return (ResNet.Create([1, 1], bottleneck: false, numClasses: 10, baseWidth: 4), new TensorShape(2, 3, 32, 32));
            case "resnet-frozen-stem":
                // Fine-tuning: the frozen stem conv is released without a backward, the frozen layer1 (after the
                // trainable bn1) still passes gradients through and its batch norms take scratch gradients.
                var resnet = ResNet.Create([1, 1], bottleneck: false, numClasses: 10, baseWidth: 4);
                resnet[0].Freeze();
                resnet[4].Freeze();
                return (resnet, new TensorShape(2, 3, 32, 32));
            case "dropout-mlp":
                return (new Sequential(
                    new Flatten(), new Linear(3 * 8 * 8, 32), new ReLU(), new Dropout(0.5f), new Linear(32, 10)), new TensorShape(4, 3, 8, 8));
            case "concat":
                // An Inception-style block: two branches concatenated along channels.
                return (new Sequential(
                    new Concat(new Conv2d(3, 4, 1), new Sequential(new Conv2d(3, 4, 3, padding: 1), new ReLU())),
                    new Flatten(), new Linear(8 * 8 * 8, 10)), new TensorShape(2, 3, 8, 8));
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "unknown model");
        }
    }

    private static Optimizer Optimizer(string name, Network network) => name switch
    {
        "sgd" => new Sgd(network, new SgdParams(0.01, momentum: 0.9)),
        "adam" => new Adam(network, new AdamParams(1e-3)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown optimizer"),
    };

    public void Dispose()
    {
        _context.Dispose();
        _sim.Dispose();
    }
}
