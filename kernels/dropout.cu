// dropout.cu: inverted dropout with a counter-based mask, forward and backward.
//
// Math (the CPU reference's, CudaCnn.Ops.DropoutParams and Reference/Philox4x32.cs):
//   r[e]   = element e of the Philox4x32-10 stream (seed, offset): lane e % 4 of philox_block(seed, offset, e / 4)
//   keep e iff r[e] >= threshold          (threshold = floor(p * 2^32), computed on the host)
//   out[e] = keep ? in[e] * scale : 0     (scale = 1f / (1f - p), the float the host computes)        (=)
// Forward applies it to x, backward to dy with the same (seed, offset): one kernel serves both directions.
// The mask is REGENERATED in the backward pass, not stored: the backward then does exactly the forward's work
// (one Philox call, ~100 integer PTX instructions, per 4 elements: ~25 per element against 8 bytes moved; not
// measured on a GPU yet), while a stored bit mask would save that compute but cost a buffer per dropout layer,
// its traffic, and a state that could drift from (seed, offset); regeneration is bit-exact with the forward by
// construction. Evaluation mode is the identity (the launcher
// copies, or does nothing in place).
// Layout: flat buffers of n elements (any shape).
// Launch: DROPOUT_BLOCK threads, one thread per group of 4 elements (one Philox call), grid-stride over
// ceil(n / 4) groups. dropout_apply_vec4 moves each full group as one float4 (16-byte aligned buffers, checked
// by the launcher); dropout_apply_f32 uses scalar accesses. In place is allowed (out == in).
#include "common.cuh"

#define DROPOUT_BLOCK 256

__device__ __forceinline__ float dropout_one(float v, unsigned int r, unsigned int threshold, float scale) {
    return r >= threshold ? v * scale : 0.0f;
}

template <bool Vec4>
__device__ __forceinline__ void dropout_apply(float* out, const float* in, long long n, unsigned long long seed,
                                              unsigned long long offset, unsigned int threshold, float scale) {
    const long long groups = (n + 3) / 4;
    GRID_STRIDE_LOOP(g, groups) {
        const uint4 r = philox_block(seed, offset, (unsigned long long)g);
        const long long e = g * 4;
        if (Vec4 && e + 3 < n) {
            float4 v = reinterpret_cast<const float4*>(in)[g];
            v.x = dropout_one(v.x, r.x, threshold, scale);
            v.y = dropout_one(v.y, r.y, threshold, scale);
            v.z = dropout_one(v.z, r.z, threshold, scale);
            v.w = dropout_one(v.w, r.w, threshold, scale);
            reinterpret_cast<float4*>(out)[g] = v;
        } else {
            const unsigned int lanes[4] = {r.x, r.y, r.z, r.w};
#pragma unroll
            for (int lane = 0; lane < 4; lane++)
                if (e + lane < n) out[e + lane] = dropout_one(in[e + lane], lanes[lane], threshold, scale);
        }
    }
}

extern "C" __global__ void __launch_bounds__(DROPOUT_BLOCK)
dropout_apply_f32(float* out, const float* in, long long n, unsigned long long seed, unsigned long long offset,
                  unsigned int threshold, float scale) {
    dropout_apply<false>(out, in, n, seed, offset, threshold, scale);
}

extern "C" __global__ void __launch_bounds__(DROPOUT_BLOCK)
dropout_apply_vec4(float* out, const float* in, long long n, unsigned long long seed, unsigned long long offset,
                   unsigned int threshold, float scale) {
    dropout_apply<true>(out, in, n, seed, offset, threshold, scale);
}
