using CudaCnn.Graph;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Graph;

/// <summary>A network on the reference backend with seeded inputs, and helpers to run steps on it.</summary>
internal sealed class ReferenceNet : IDisposable
{
    public ReferenceNet(Module model, TensorShape input, ulong seed = 7)
    {
        Device = new HostMemoryDevice();
        Ops = new ReferenceOps(Device);
        Network = Network.Build(model, Ops, input, seed);
        InputShape = input;
    }

    public HostMemoryDevice Device { get; }
    public ReferenceOps Ops { get; }
    public Network Network { get; }
    public TensorShape InputShape { get; }

    public Tensor Input(ulong seed) => Network.CreateInput(InputShape, RandomData.Uniform(InputShape.Elements, seed));

    public int[] Labels(int classes, ulong seed) => RandomData.Integers(InputShape.N, classes, seed);

    public void Dispose()
    {
        Network.Dispose();
        Device.Dispose();
    }
}
