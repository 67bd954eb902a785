// common.cuh: helpers shared by every CudaCnn kernel file.
//
// Conventions (see docs/kernel-pipeline.md):
//   - kernels are extern "C" __global__ with __launch_bounds__(BLOCK); the launcher uses the same BLOCK, and
//     `cudacnn kernels` reads it back from the PTX .maxntid directive to compute occupancy.
//   - element counts and flat indices are 64-bit (long long): a tensor may exceed 2^31 elements.
//   - tensors are float32, NCHW, contiguous.
#pragma once

// Flat index of this thread in a 1-D launch, 64-bit.
__device__ __forceinline__ long long global_thread_index() {
    return (long long)blockIdx.x * blockDim.x + threadIdx.x;
}

// Total number of threads in a 1-D launch, 64-bit.
__device__ __forceinline__ long long global_thread_count() {
    return (long long)gridDim.x * blockDim.x;
}

// Grid-stride loop over [0, n): every index is visited by exactly one thread whatever the grid size, so a
// launcher may cap the grid at one wave of resident blocks.
#define GRID_STRIDE_LOOP(i, n) \
    for (long long i = global_thread_index(); i < (n); i += global_thread_count())

// Sum of `value` over the 32 lanes of a full warp; every lane gets the total.
__device__ __forceinline__ float warp_reduce_sum(float value) {
    for (int offset = 16; offset > 0; offset >>= 1)
        value += __shfl_xor_sync(0xffffffffu, value, offset);
    return value;
}

// Maximum of `value` over the 32 lanes of a full warp; every lane gets the result.
__device__ __forceinline__ float warp_reduce_max(float value) {
    for (int offset = 16; offset > 0; offset >>= 1)
        value = fmaxf(value, __shfl_xor_sync(0xffffffffu, value, offset));
    return value;
}

// Sum of `value` over a 1-D block whose size is a multiple of 32 (at most 1024). Every thread of the block
// must call it; every thread gets the total. `scratch` is __shared__ float[32], reusable after return.
__device__ __forceinline__ float block_reduce_sum(float value, float* scratch) {
    const int lane = threadIdx.x % 32;
    const int warp = threadIdx.x / 32;
    const int warps = blockDim.x / 32;
    value = warp_reduce_sum(value);
    if (lane == 0) scratch[warp] = value;
    __syncthreads();
    value = lane < warps ? scratch[lane] : 0.0f;
    value = warp_reduce_sum(value);
    __syncthreads();  // scratch may be reused by the caller
    return value;
}

// ---- Layer kernels' helpers (pooling, batch norm, softmax, dropout) ----

// Sums of two values over a 1-D block at once (one pair of barriers instead of two), same rules as
// block_reduce_sum: blockDim.x a multiple of 32, every thread calls it, every thread gets both totals.
// `scratch` is __shared__ float2[32]. The tree is fixed by blockDim, so results are bitwise reproducible.
__device__ __forceinline__ float2 block_reduce_sum2(float2 value, float2* scratch) {
    const int lane = threadIdx.x % 32;
    const int warp = threadIdx.x / 32;
    const int warps = blockDim.x / 32;
    value.x = warp_reduce_sum(value.x);
    value.y = warp_reduce_sum(value.y);
    if (lane == 0) scratch[warp] = value;
    __syncthreads();
    value = lane < warps ? scratch[lane] : make_float2(0.0f, 0.0f);
    value.x = warp_reduce_sum(value.x);
    value.y = warp_reduce_sum(value.y);
    __syncthreads();
    return value;
}

// Philox4x32-10 (Salmon et al., SC'11; the constants of Random123 and curand). Integer-only, so it matches
// the CPU reference (src/CudaCnn/Reference/Philox4x32.cs) bit for bit.
// Round: (hi0, lo0) = M0 * c0, (hi1, lo1) = M1 * c2; c = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0); the key is
// bumped by (W0, W1) between rounds.
__device__ __forceinline__ uint4 philox4x32_10(uint4 c, uint2 k) {
    const unsigned int M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
#pragma unroll
    for (int round = 0; round < 10; round++) {
        if (round > 0) { k.x += W0; k.y += W1; }
        const unsigned int hi0 = __umulhi(M0, c.x), lo0 = M0 * c.x;
        const unsigned int hi1 = __umulhi(M1, c.z), lo1 = M1 * c.z;
        c = make_uint4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    }
    return c;
}

// The project's stream layout: elements 4b..4b+3 of stream (seed, offset) are the four outputs of block b,
// counter = (lo32(b), hi32(b), lo32(offset), hi32(offset)), key = (lo32(seed), hi32(seed)).
__device__ __forceinline__ uint4 philox_block(unsigned long long seed, unsigned long long offset,
                                              unsigned long long block) {
    return philox4x32_10(make_uint4((unsigned int)block, (unsigned int)(block >> 32),
                                    (unsigned int)offset, (unsigned int)(offset >> 32)),
                         make_uint2((unsigned int)seed, (unsigned int)(seed >> 32)));
}
