using CudaCnn.Graph;
using CudaCnn.Kernels;
using CudaCnn.Layers;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Sim;
using CudaCnn.Tests.Graph;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Layers;

/// <summary>Conv2d's algorithm argument: refused when declared if it cannot compute the geometry, refused alike by
/// every backend's ops, and actually used by the kernels; Winograd filter transforms reused while weights are unchanged.</summary>
public class Conv2dAlgorithmTests
{
    /// <summary>Small conv nets' outputs: Winograd F(4x4,3x3) rounding (about 1e-5 relative at these sizes) against the
    /// double-accumulating reference, with margin; a stale filter transform is off by O(learning rate) = 1e-2.</summary>
    private static readonly Tolerance OutputTolerance = new(1e-4, 1e-3);

    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);
    private static readonly TensorShape Input = new(2, 2, 8, 8);

    [Theory]
    [InlineData(ConvAlgorithm.Winograd4x4, 3, 2, 1, "Winograd4x4 cannot compute the Forward pass of this convolution: it needs stride 1, got 2x2 (weight: [4,2,3,3], stride 2x2, padding 1x1")]
    [InlineData(ConvAlgorithm.Winograd2x2, 5, 1, 2, "Winograd2x2 cannot compute the Forward pass of this convolution: it needs a 3x3 filter, got 5x5")]
    [InlineData(ConvAlgorithm.Winograd2x2, 3, 1, 3, "Winograd2x2 cannot compute the BackwardData pass of this convolution: backward data needs padding <= 2")]
    [InlineData(ConvAlgorithm.Gemm1x1, 3, 1, 1, "Gemm1x1 cannot compute the Forward pass of this convolution: it needs a 1x1 filter, got 3x3")]
    [InlineData(ConvAlgorithm.Gemm1x1, 1, 2, 0, "Gemm1x1 cannot compute the Forward pass of this convolution: it needs stride 1, got 2x2")]
    public void An_algorithm_that_cannot_compute_the_geometry_is_refused_when_declared(ConvAlgorithm algorithm, int kernel, int stride, int padding, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv2d(2, 4, kernel, stride: stride, padding: padding, algorithm: algorithm));
        Assert.Equal("algorithm", e.ParamName);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Winograd_layers_take_the_filter_gradient_from_im2col_and_the_others_keep_their_algorithm()
    {
        Assert.Equal(ConvAlgorithm.Im2colGemm, new Conv2d(2, 4, 3, padding: 1, algorithm: ConvAlgorithm.Winograd4x4).FilterAlgorithm);
        Assert.Equal(ConvAlgorithm.Gemm1x1, new Conv2d(2, 4, 1, algorithm: ConvAlgorithm.Gemm1x1).FilterAlgorithm);
        Assert.Equal(ConvAlgorithm.Auto, new Conv2d(2, 4, 3).FilterAlgorithm);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(2, 4, 3, algorithm: (ConvAlgorithm)42));
    }

    [NvrtcFact]
    public void Every_backend_refuses_an_unsupported_algorithm_with_the_same_error()
    {
        var p = new Conv2dParams(stride: 2, padding: 1);
        var w = new TensorShape(4, 2, 3, 3);
        var y = p.OutputShape(Input, w);
        using var host = new HostMemoryDevice();
        var reference = new ReferenceOps(host);
        using var sim = new SimOps();
        string Message(IOps ops, IGpu gpu)
        {
            using var x = new Tensor(gpu, Input);
            using var weight = new Tensor(gpu, w);
            using var output = new Tensor(gpu, y);
            return Assert.Throws<NotSupportedException>(() => ops.ConvForward(x, weight, null, p, output, ConvAlgorithm.Winograd4x4)).Message;
        }
        string expected = Message(reference, host);
        Assert.Contains("Winograd4x4 cannot compute this convolution: it needs stride 1, got 2x2", expected);
        Assert.Equal(expected, Message(sim.Ops, sim.Gpu));
        Assert.Empty(sim.Gpu.KernelStats);

        using var dx = new Tensor(host, Input);
        using var weight = new Tensor(host, w);
        using var dy = new Tensor(host, y);
        Assert.Throws<NotSupportedException>(() => reference.ConvBackwardFilter(dx, dy, new Conv2dParams(padding: 1), weight, ConvAlgorithm.Winograd2x2));
    }

    [NvrtcTheory]
    [InlineData(ConvAlgorithm.Im2colGemm, "im2col")]
    [InlineData(ConvAlgorithm.Winograd2x2, "winograd_f2x2")]
    [InlineData(ConvAlgorithm.Winograd4x4, "winograd_f4x4")]
    public void The_layer_algorithm_reaches_the_kernels(ConvAlgorithm algorithm, string kernelPrefix)
    {
        using var sim = new SimOps();
        using var network = Network.Build(new Sequential(new Conv2d(2, 4, 3, padding: 1, algorithm: algorithm)), sim.Ops, Input, seed: 5);
        using var x = network.CreateInput(Input, RandomData.Uniform(Input.Elements, 3));
        network.Forward(x);
        var ran = sim.Gpu.KernelStats.Keys.ToList();
        Assert.Contains(ran, k => k.StartsWith(kernelPrefix, StringComparison.Ordinal));
        // Auto would pick F(4x4,3x3) here (8x8 outputs); an explicit choice must not be overridden.
        if (algorithm != ConvAlgorithm.Winograd4x4) Assert.DoesNotContain(ran, k => k.StartsWith("winograd_f4x4", StringComparison.Ordinal));
    }

    [NvrtcFact]
    public void A_second_forward_with_unchanged_weights_skips_the_filter_transform_and_an_update_redoes_it()
    {
        using var reference = new ReferenceNet(SmallNet(), Input, seed: 9);
        using var sim = new SimOps();
        using var network = Network.Build(SmallNet(), sim.Ops, Input, seed: 9);
        var values = RandomData.Uniform(Input.Elements, 4);
        using var x = network.CreateInput(Input, values);
        using var refX = reference.Network.CreateInput(Input, values);
        network.Eval();
        reference.Network.Eval();

        var first = network.Forward(x).ToArray();
        long afterFirst = FilterTransforms(sim.Gpu);
        Assert.Equal(2, afterFirst); // both 3x3 convolutions, forward direction
        Assert.Equal(2, sim.Ops.CachedFilterCount);
        Assert.Equal(first, network.Forward(x).ToArray());
        Assert.Equal(afterFirst, FilterTransforms(sim.Gpu));
        network.Model.ReleaseStep();

        // One SGD step on both backends: the cached transforms are stale and must be redone, once per weight.
        var labels = new[] { 1, 2 };
        using (var trainer = new Trainer(network, new Sgd(network, new SgdParams(0.05))))
            trainer.Step(x, labels);
        using (var refTrainer = new Trainer(reference.Network, new Sgd(reference.Network, new SgdParams(0.05))))
            refTrainer.Step(refX, labels);
        long afterStep = FilterTransforms(sim.Gpu);
        Assert.Equal(3, sim.Ops.CachedFilterCount); // plus the second convolution's backward data (the first needs no dx)
        network.Eval();
        reference.Network.Eval();
        var updated = network.Forward(x).ToArray();
        Assert.Equal(afterStep + 2, FilterTransforms(sim.Gpu));
        Assert.False(first.SequenceEqual(updated), "the step did not change the output");
        TensorComparison.Compare("output after a step", reference.Network.Forward(refX).ToArray(), updated, OutputTolerance).ThrowIfFailed();
    }

    [NvrtcFact]
    public void Loading_weights_or_marking_a_host_write_refreshes_the_cached_transform()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cudacnn-conv-cache-{Environment.ProcessId}.safetensors");
        using var reference = new ReferenceNet(SmallNet(), Input, seed: 21);
        reference.Network.Save(path);
        using var sim = new SimOps();
        using var network = Network.Build(SmallNet(), sim.Ops, Input, seed: 22);
        var values = RandomData.Uniform(Input.Elements, 4);
        using var x = network.CreateInput(Input, values);
        using var refX = reference.Network.CreateInput(Input, values);
        network.Eval();
        reference.Network.Eval();
        network.Forward(x);
        network.Model.ReleaseStep();
        try
        {
            network.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
        var expected = reference.Network.Forward(refX).ToArray();
        TensorComparison.Compare("output after Load", expected, network.Forward(x).ToArray(), OutputTolerance).ThrowIfFailed();
        network.Model.ReleaseStep();

        var conv = (Conv2d)((Sequential)network.Model)[0];
        var refConv = (Conv2d)((Sequential)reference.Network.Model)[0];
        var scaled = conv.Weight.Value.ToArray().Select(v => 2 * v).ToArray();
        conv.Weight.Value.Buffer.CopyFrom(scaled);
        conv.Weight.Value.MarkChanged();
        refConv.Weight.Value.Buffer.CopyFrom(scaled);
        TensorComparison.Compare("output after a marked host write", reference.Network.Forward(refX).ToArray(),
            network.Forward(x).ToArray(), OutputTolerance).ThrowIfFailed();
    }

    [NvrtcFact]
    public void The_transforms_of_a_disposed_network_are_freed_when_the_next_one_is_made()
    {
        using var sim = new SimOps();
        int start = sim.Gpu.LiveAllocations;
        for (int i = 0; i < 2; i++)
        {
            using var network = Network.Build(SmallNet(), sim.Ops, Input, seed: 9);
            using var x = network.CreateInput(Input, RandomData.Uniform(Input.Elements, 4));
            network.Forward(x);
            Assert.Equal(2, sim.Ops.CachedFilterCount);
        }
        sim.Ops.Dispose();
        Assert.Equal(start, sim.Gpu.LiveAllocations);
    }

    private static Sequential SmallNet() => new(
        new Conv2d(2, 4, 3, padding: 1, algorithm: ConvAlgorithm.Winograd4x4), new ReLU(),
        new Conv2d(4, 4, 3, padding: 1), new ReLU(), new Flatten(), new Linear(4 * 8 * 8, 3));

    private static long FilterTransforms(SimGpu gpu) =>
        gpu.KernelStats.Where(k => k.Key.EndsWith("_filter_transform", StringComparison.Ordinal)).Sum(k => k.Value.Launches);

    /// <summary>KernelOps on a software GPU with the checkers on.</summary>
    private sealed class SimOps : IDisposable
    {
        public SimOps()
        {
            Gpu = new SimGpu();
            Library = new KernelLibrary(Gpu, Compiler);
            Ops = new KernelOps(Library);
        }

        public SimGpu Gpu { get; }
        public KernelLibrary Library { get; }
        public KernelOps Ops { get; }

        public void Dispose()
        {
            Ops.Dispose();
            Library.Dispose();
            Gpu.Dispose();
        }
    }
}
