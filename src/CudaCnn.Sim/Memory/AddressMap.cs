namespace CudaCnn.Sim.Memory;

/// <summary>
/// The simulated generic address space. Device allocations live at their own (global == generic) addresses from
/// <see cref="GlobalBase"/>; shared memory of the executing CTA and local memory of the executing thread appear at
/// fixed windows, as on NVIDIA hardware, so cvta is an addition.
/// </summary>
internal static class AddressMap
{
    public const ulong GlobalBase = 0x0000_0007_0000_0000;
    public const ulong SharedWindow = 0x0000_7E00_0000_0000;
    public const ulong LocalWindow = 0x0000_7F00_0000_0000;
    /// <summary>Size of each window; shared and local offsets beyond it are not generic-addressable.</summary>
    public const ulong WindowSize = 0x0000_0001_0000_0000;
    /// <summary>Unmapped bytes left between two allocations so an overflow never lands in a neighbour.</summary>
    public const ulong GuardBytes = 4096;
    public const ulong AllocationAlignment = 256;
}
