// lrn.cu: local response normalization across channels, forward and backward.
//
// Math (the CPU reference's, CudaCnn.Ops.LrnParams), per pixel (n, h, w) and channel c of C:
//   scale[c] = k + a * sum_{j = c - lookBehind .. c + lookAhead, 0 <= j < C} x[j]^2
//   y[c]     = x[c] * scale[c]^(-beta)                                                    (=)
// with a = alpha / size (cuDNN, Caffe, PyTorch) or a = alpha (the AlexNet paper); the host passes a.
// The forward stores scale (same shape as x) so the backward need not recompute the window sums:
//   dx[c] = dy[c] * scale[c]^(-beta)
//           - 2 a beta x[c] * sum_{j = c - lookAhead .. c + lookBehind, 0 <= j < C} dy[j] y[j] / scale[j]  (=)
// (j ranges over the windows that contain c.)
// Layout: NCHW; the kernels see [N][C][S], S = H*W.
// Launch: LRN_BLOCK threads, one thread per (n, s) pixel walking the channels, grid-stride over N*S pixels.
// Lanes take consecutive s, so every load and store of a channel is coalesced (stride-1 across the warp); a
// thread re-reads each x (forward) or dy*y/scale term (backward) once per window that holds it, from cache.
// Not in place: a thread reads a window of channels after writing earlier ones (the launcher checks).
#include "common.cuh"

#define LRN_BLOCK 256

// Flat index of channel 0 of pixel p (p < N * S): channel c of that pixel is at base + c * S.
__device__ __forceinline__ long long lrn_pixel_base(long long pixel, int channels, long long spatial) {
    const long long n = pixel / spatial;
    return n * channels * spatial + (pixel - n * spatial);
}

extern "C" __global__ void __launch_bounds__(LRN_BLOCK)
lrn_forward(float* __restrict__ y, float* __restrict__ scale, const float* __restrict__ x, int batch, int channels,
            long long spatial, int lookBehind, int lookAhead, float sumScale, float beta, float k) {
    GRID_STRIDE_LOOP(pixel, batch * spatial) {
        const long long base = lrn_pixel_base(pixel, channels, spatial);
        for (int c = 0; c < channels; c++) {
            float sum = 0.0f;
            const int j1 = min(c + lookAhead, channels - 1);
            for (int j = max(c - lookBehind, 0); j <= j1; j++) {
                const float v = x[base + j * spatial];
                sum += v * v;
            }
            const long long i = base + c * spatial;
            const float s = k + sumScale * sum;
            scale[i] = s;
            y[i] = x[i] * powf(s, -beta);
        }
    }
}

extern "C" __global__ void __launch_bounds__(LRN_BLOCK)
lrn_backward(float* __restrict__ dx, const float* __restrict__ dy, const float* __restrict__ x,
             const float* __restrict__ y, const float* __restrict__ scale, int batch, int channels, long long spatial,
             int lookBehind, int lookAhead, float sumScale, float beta) {
    const float factor = 2.0f * sumScale * beta;
    GRID_STRIDE_LOOP(pixel, batch * spatial) {
        const long long base = lrn_pixel_base(pixel, channels, spatial);
        for (int c = 0; c < channels; c++) {
            float sum = 0.0f;
            const int j1 = min(c + lookBehind, channels - 1);
            for (int j = max(c - lookAhead, 0); j <= j1; j++) {
                const long long t = base + j * spatial;
                sum += dy[t] * y[t] / scale[t];
            }
            const long long i = base + c * spatial;
            dx[i] = dy[i] * powf(scale[i], -beta) - factor * x[i] * sum;
        }
    }
}
