using CudaCnn.Runtime;

namespace CudaCnn.Tests.Runtime;

public sealed class AllocationTableTests
{
    private static AllocationTable TwoAllocations()
    {
        var table = new AllocationTable();
        table.Add(new DevicePtr(0x2000), 256);
        table.Add(new DevicePtr(0x1000), 1024);
        return table;
    }

    [Fact]
    public void Ranges_inside_one_allocation_pass()
    {
        var table = TwoAllocations();
        table.CheckRange(new DevicePtr(0x1000), 1024, "dst");
        table.CheckRange(new DevicePtr(0x1100), 768, "dst");
        table.CheckRange(new DevicePtr(0x20ff), 1, "dst");
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void A_range_running_past_its_allocation_is_rejected_with_the_numbers()
    {
        var e = Assert.Throws<ArgumentException>(() => TwoAllocations().CheckRange(new DevicePtr(0x1100), 769, "dst"));
        Assert.Equal("dst", e.ParamName);
        Assert.Contains("0x1100 + 769 bytes", e.Message);
        Assert.Contains("256 bytes into the 1024-byte allocation at 0x1000, leaving 768 bytes", e.Message);
    }

    [Theory]
    [InlineData(0x0UL)]
    [InlineData(0xfffUL)]
    [InlineData(0x1800UL)]
    [InlineData(0x3000UL)]
    public void A_pointer_outside_every_allocation_is_rejected(ulong address)
    {
        var e = Assert.Throws<ArgumentException>(() => TwoAllocations().CheckRange(new DevicePtr(address), 4, "src"));
        Assert.Equal("src", e.ParamName);
        Assert.Contains("points into none of the 2 live allocations", e.Message);
    }

    [Fact]
    public void Only_the_start_of_an_allocation_can_be_freed()
    {
        var table = TwoAllocations();
        var e = Assert.Throws<ArgumentException>(() => table.Remove(new DevicePtr(0x1004), "ptr"));
        Assert.Contains("0x1004 is not the start of a live allocation", e.Message);
        Assert.Equal(1024, table.Remove(new DevicePtr(0x1000), "ptr"));
        Assert.Equal(1, table.Count);
        Assert.Throws<ArgumentException>(() => table.Remove(new DevicePtr(0x1000), "ptr"));
    }

    [Fact]
    public void An_address_inside_a_live_allocation_cannot_be_added_again()
    {
        var table = TwoAllocations();
        Assert.Throws<InvalidOperationException>(() => table.Add(new DevicePtr(0x1010), 16));
    }

    [Fact]
    public void Drain_returns_and_forgets_every_allocation()
    {
        var table = TwoAllocations();
        Assert.Equal([new DevicePtr(0x1000), new DevicePtr(0x2000)], table.Drain());
        Assert.Equal(0, table.Count);
    }
}
