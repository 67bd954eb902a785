using CudaCnn.Native;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Runtime;

/// <summary>CudaGpu on a real device: memory, fills, copies, timers and the host-side checks. Skipped without a GPU.</summary>
public sealed class CudaGpuTests
{
    [GpuFact]
    public void Open_reports_the_device()
    {
        using var gpu = CudaGpu.Open();

        Assert.Equal(CudaGpu.BackendName, gpu.Info.Backend);
        Assert.False(string.IsNullOrWhiteSpace(gpu.Info.Name));
        Assert.InRange(gpu.Info.ComputeMajor, 5, 20);
        Assert.True(gpu.Info.MultiprocessorCount > 0);
        Assert.True(gpu.Info.TotalMemoryBytes > 1L << 30);
        Assert.Equal(32, gpu.Info.WarpSize);
        Assert.True(gpu.Info.MaxThreadsPerBlock >= 1024);
        Assert.True(CudaTargets.CanRun(gpu.PreferredTarget, gpu.Info.ComputeMajor, gpu.Info.ComputeMinor));
        Assert.True(CudaGpu.TryProbe(out string reason), reason);
    }

    [GpuFact]
    public void Data_round_trips_through_device_memory()
    {
        using var gpu = CudaGpu.Open();
        float[] values = RandomValues(10_007, seed: 1);
        int before = gpu.LiveAllocations;

        using (var buffer = new DeviceBuffer<float>(gpu, values.Length))
        {
            Assert.Equal(before + 1, gpu.LiveAllocations);
            buffer.CopyFrom(values);
            Assert.Equal(values, buffer.ToArray());
        }

        Assert.Equal(before, gpu.LiveAllocations);
    }

    [GpuFact]
    public void Fill32_writes_the_pattern_only_where_asked()
    {
        using var gpu = CudaGpu.Open();
        using var buffer = new DeviceBuffer<float>(gpu, 64);
        buffer.CopyFrom(new float[64]);

        gpu.Fill32(buffer.Ptr.Offset(10 * sizeof(float)), BitConverter.SingleToUInt32Bits(2.5f), 20);

        float[] result = buffer.ToArray();
        for (int i = 0; i < result.Length; i++)
            Assert.Equal(i is >= 10 and < 30 ? 2.5f : 0f, result[i]);
    }

    [GpuFact]
    public void Device_to_device_copies_move_the_bytes_and_refuse_overlap()
    {
        using var gpu = CudaGpu.Open();
        float[] values = RandomValues(4096, seed: 2);
        using var source = new DeviceBuffer<float>(gpu, values.Length);
        using var target = new DeviceBuffer<float>(gpu, values.Length);
        source.CopyFrom(values);

        target.CopyFrom(source);

        Assert.Equal(values, target.ToArray());
        var e = Assert.Throws<ArgumentException>(() => gpu.CopyDeviceToDevice(source.Ptr.Offset(4), source.Ptr, 64));
        Assert.Contains("overlap", e.Message);
    }

    [GpuFact]
    public void Pointers_and_sizes_are_checked_before_the_device_sees_them()
    {
        using var gpu = CudaGpu.Open();
        using var buffer = new DeviceBuffer<float>(gpu, 16);

        var past = Assert.Throws<ArgumentException>(() => gpu.CopyToDevice(buffer.Ptr.Offset(8), new float[16].AsSpan()));
        Assert.Equal("dst", past.ParamName);
        Assert.Throws<ArgumentException>(() => gpu.CopyToHost(new DevicePtr(0x10), new float[1].AsSpan()));
        Assert.Throws<ArgumentException>(() => gpu.Fill32(buffer.Ptr.Offset(2), 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => gpu.Fill32(buffer.Ptr, 0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => gpu.Allocate(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => gpu.CopyDeviceToDevice(buffer.Ptr, buffer.Ptr, -4));
        Assert.Throws<ArgumentException>(() => gpu.Free(buffer.Ptr.Offset(4)));
        Assert.Throws<ArgumentException>(() => gpu.Free(DevicePtr.Null));
    }

    [GpuFact]
    public void Running_out_of_memory_names_the_request()
    {
        using var gpu = CudaGpu.Open();
        long tooMuch = gpu.Info.TotalMemoryBytes * 2;

        var e = Assert.Throws<CudaException>(() => gpu.Allocate(tooMuch));

        Assert.Equal("CUDA_ERROR_OUT_OF_MEMORY", e.CodeName);
        Assert.Contains($"requested {tooMuch} bytes", e.Message);
    }

    [GpuFact]
    public void A_timer_measures_device_work()
    {
        using var gpu = CudaGpu.Open();
        using var buffer = new DeviceBuffer<float>(gpu, 1 << 24);
        using var timer = gpu.CreateTimer();

        Assert.Throws<InvalidOperationException>(() => timer.Stop());
        timer.Start();
        for (int i = 0; i < 10; i++) gpu.Fill32(buffer.Ptr, (uint)i, buffer.Length);
        timer.Stop();

        float ms = timer.ElapsedMilliseconds;
        Assert.True(ms > 0 && float.IsFinite(ms), $"elapsed {ms} ms");
    }

    [GpuFact]
    public void Disposing_the_device_releases_what_is_left()
    {
        var gpu = CudaGpu.Open();
        var buffer = new DeviceBuffer<float>(gpu, 256);
        var timer = gpu.CreateTimer();

        gpu.Dispose();

        Assert.Equal(0, gpu.LiveAllocations);
        buffer.Dispose(); // the memory went with the device; freeing it again is a no-op
        Assert.Throws<ObjectDisposedException>(() => gpu.Allocate(4));
        Assert.Throws<ObjectDisposedException>(() => timer.Start());
    }

    internal static float[] RandomValues(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
