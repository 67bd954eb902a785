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

// Philox RNG (dropout) goes here.
