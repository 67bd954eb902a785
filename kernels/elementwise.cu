// elementwise.cu: one-pass element-wise kernels over contiguous float32 buffers.
//
// Every kernel here treats its buffers as flat arrays of n elements (an NCHW tensor is just its
// N*C*H*W elements in order), so one launch geometry serves all:
//   block = ELEMENTWISE_BLOCK (256) threads, grid = min(ceil(n / 256), one wave of resident blocks),
//   each thread walks a grid-stride loop with 64-bit indices.
// Outputs are written (`=`) unless a kernel says it accumulates (`+=`). Buffers may alias only where the
// kernel says so (an in-place update with out == in is fine for every kernel here: each element is read
// before it is written, by the same thread).
#include "common.cuh"

#define ELEMENTWISE_BLOCK 256

// fill: out[i] = value, for i in [0, n).
extern "C" __global__ void __launch_bounds__(ELEMENTWISE_BLOCK)
fill(float* __restrict__ out, float value, long long n) {
    GRID_STRIDE_LOOP(i, n) out[i] = value;
}

// copy: out[i] = in[i]. out and in must not overlap unless they are equal.
extern "C" __global__ void __launch_bounds__(ELEMENTWISE_BLOCK)
copy(float* out, const float* in, long long n) {
    GRID_STRIDE_LOOP(i, n) out[i] = in[i];
}

// scale: out[i] = alpha * in[i]. In place allowed (out == in).
extern "C" __global__ void __launch_bounds__(ELEMENTWISE_BLOCK)
scale(float* out, const float* in, float alpha, long long n) {
    GRID_STRIDE_LOOP(i, n) out[i] = alpha * in[i];
}

// add: out[i] = a[i] + b[i]. In place allowed (out == a or out == b).
extern "C" __global__ void __launch_bounds__(ELEMENTWISE_BLOCK)
add(float* out, const float* a, const float* b, long long n) {
    GRID_STRIDE_LOOP(i, n) out[i] = a[i] + b[i];
}

// axpy: y[i] += alpha * x[i] (accumulates into y; the SGD step and gradient accumulation use it).
// Computed as one fused multiply-add, fmaf(alpha, x, y), rounded once.
extern "C" __global__ void __launch_bounds__(ELEMENTWISE_BLOCK)
axpy(float* y, const float* x, float alpha, long long n) {
    GRID_STRIDE_LOOP(i, n) y[i] = fmaf(alpha, x[i], y[i]);
}

// relu_forward: out[i] = in[i] > 0 ? in[i] : 0. In place allowed. A NaN input gives 0.
extern "C" __global__ void __launch_bounds__(ELEMENTWISE_BLOCK)
relu_forward(float* out, const float* in, long long n) {
    GRID_STRIDE_LOOP(i, n) {
        const float v = in[i];
        out[i] = v > 0.0f ? v : 0.0f;
    }
}

// relu_backward: dx[i] = x[i] > 0 ? dy[i] : 0, where x is the forward input (an input gradient:
// written, not accumulated). The gradient at exactly 0 is taken as 0. dx may alias dy.
extern "C" __global__ void __launch_bounds__(ELEMENTWISE_BLOCK)
relu_backward(float* dx, const float* dy, const float* x, long long n) {
    GRID_STRIDE_LOOP(i, n) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}
