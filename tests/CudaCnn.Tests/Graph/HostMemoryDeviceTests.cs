using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Graph;

public class HostMemoryDeviceTests
{
    [Fact]
    public void Copies_fills_and_frees_like_a_device()
    {
        using var device = new HostMemoryDevice();
        using (var buffer = new DeviceBuffer<float>(device, 5))
        {
            buffer.CopyFrom([1, 2, 3, 4, 5]);
            device.Fill32(buffer.Ptr.Offset(4), BitConverter.SingleToUInt32Bits(9f), 2);
            using var copy = new DeviceBuffer<float>(device, 5);
            copy.CopyFrom(buffer);
            Assert.Equal([1f, 9f, 9f, 4f, 5f], copy.ToArray());
            Assert.Equal(2, device.LiveAllocations);
        }
        Assert.Equal(0, device.LiveAllocations);
    }

    [Fact]
    public void Out_of_range_copies_and_kernels_are_refused_clearly()
    {
        using var device = new HostMemoryDevice();
        using var buffer = new DeviceBuffer<float>(device, 4);
        var e = Assert.Throws<ArgumentException>(() => device.CopyToHost<float>(buffer.Ptr.Offset(8), new float[3]));
        Assert.Contains("not inside one live allocation", e.Message);
        Assert.Throws<ArgumentException>(() => device.Free(buffer.Ptr.Offset(4)));
        Assert.Throws<NotSupportedException>(() => device.PreferredTarget);
    }

    [Fact]
    public void Reference_ops_refuse_tensors_of_another_device()
    {
        using var a = new HostMemoryDevice();
        using var b = new HostMemoryDevice();
        var ops = new ReferenceOps(a);
        using var x = new Tensor(b, new TensorShape(4));
        using var y = new Tensor(a, new TensorShape(4));
        var e = Assert.Throws<ArgumentException>(() => ops.Add(x, x, y));
        Assert.Contains("ReferenceOps computes on tensors of its HostMemoryDevice", e.Message);
    }
}

public class WorkspaceTests
{
    [Fact]
    public void Returned_tensors_are_reused_by_shape_and_a_double_return_is_caught()
    {
        using var device = new HostMemoryDevice();
        using var workspace = new CudaCnn.Graph.Workspace(device);
        var a = workspace.Rent(new TensorShape(2, 3));
        workspace.Return(a);
        Assert.Same(a, workspace.Rent(new TensorShape(2, 3)));
        Assert.NotSame(a, workspace.Rent(new TensorShape(3, 2)));
        workspace.Return(a);
        Assert.Throws<InvalidOperationException>(() => workspace.Return(a));
        Assert.Equal(2, device.LiveAllocations);
        workspace.Dispose();
        Assert.Equal(0, device.LiveAllocations);
    }
}
