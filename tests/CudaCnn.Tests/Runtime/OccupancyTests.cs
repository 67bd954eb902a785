using CudaCnn.Runtime;

namespace CudaCnn.Tests.Runtime;

/// <summary>Cases worked by hand from the limits table (see the comments for the arithmetic).</summary>
public class OccupancyTests
{
    private static Occupancy On(string arch, int block, int registers, int shared) =>
        Occupancy.Compute(ArchLimits.For(CompileTarget.Parse(arch)), block, registers, shared);

    [Fact]
    public void Sm80_256_threads_32_registers_is_full()
    {
        // 8 warps/block: 64/8 = 8 blocks by warps; 32 regs -> 1024/warp -> 16 warps per sub-partition -> 64 warps
        // -> 8 blocks by registers; shared (0 + 1 KiB reserved) allows 164. Warps tie registers and come first.
        var occupancy = On("sm_80", 256, 32, 0);
        Assert.Equal(new Occupancy(8, 64, 64, OccupancyLimiter.Warps), occupancy);
        Assert.Equal(1.0, occupancy.Fraction);
    }

    [Fact]
    public void Sm80_64_registers_halves_occupancy()
    {
        // 64 regs -> 2048/warp -> 8 warps per sub-partition -> 32 warps -> 4 blocks of 8 warps.
        Assert.Equal(new Occupancy(4, 32, 64, OccupancyLimiter.Registers), On("sm_80", 256, 64, 0));
    }

    [Fact]
    public void Sm80_40_registers_rounds_to_the_allocation_unit()
    {
        // 40 regs -> 1280/warp (already a multiple of 256) -> 16384/1280 = 12 warps per sub-partition -> 48 warps
        // -> 12 blocks of 4 warps = 75%.
        var occupancy = On("sm_80", 128, 40, 0);
        Assert.Equal(new Occupancy(12, 48, 64, OccupancyLimiter.Registers), occupancy);
        Assert.Equal(0.75, occupancy.Fraction);
    }

    [Fact]
    public void Sm80_33_registers_round_up_to_a_whole_unit()
    {
        // 33 regs -> 1056/warp -> rounded to 1280 -> same as 40 registers.
        Assert.Equal(On("sm_80", 128, 40, 0), On("sm_80", 128, 33, 0));
    }

    [Fact]
    public void Sm86_48_KiB_shared_allows_two_blocks()
    {
        // (49152 + 1024 reserved) = 50176 per block, a multiple of 128; 102400 / 50176 = 2 blocks of 4 warps of 48.
        var occupancy = On("sm_86", 128, 16, 48 * 1024);
        Assert.Equal(new Occupancy(2, 8, 48, OccupancyLimiter.SharedMemory), occupancy);
    }

    [Fact]
    public void Sm75_small_blocks_hit_the_block_limit()
    {
        // 1 warp/block: 32 blocks by warps, but at most 16 blocks per SM on sm_75: 16 of 32 warps.
        Assert.Equal(new Occupancy(16, 16, 32, OccupancyLimiter.Blocks), On("sm_75", 32, 16, 0));
    }

    [Fact]
    public void Sm70_shared_granularity_is_256_bytes()
    {
        // 257 bytes round to 512 (no reservation before 8.0): 98304 / 512 = 192 blocks, so warps limit: 64/2 = 32.
        Assert.Equal(OccupancyLimiter.Warps, On("sm_70", 64, 16, 257).Limiter);
        // 40 KiB + 1 byte -> 41216 bytes -> 98304 / 41216 = 2 blocks.
        Assert.Equal(2, On("sm_70", 64, 16, 40 * 1024 + 1).BlocksPerSm);
    }

    [Fact]
    public void A_block_that_cannot_fit_gets_zero()
    {
        // 255 regs -> 8160 -> 8192/warp x 32 warps = 262144 > 65536 registers per block.
        Assert.Equal(0, On("sm_90", 1024, 255, 0).BlocksPerSm);
        Assert.Equal(0, On("sm_89", 128, 16, 100 * 1024).BlocksPerSm);
    }

    [Fact]
    public void Unknown_architectures_are_named()
    {
        var error = Assert.Throws<NotSupportedException>(() => ArchLimits.For(CompileTarget.Parse("sm_61")));
        Assert.Contains("sm_61", error.Message);
        Assert.Contains("sm_90", error.Message);
    }
}
