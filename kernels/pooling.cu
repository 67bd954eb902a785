// pooling.cu: 2-D max and average pooling forward and backward, global average pooling.
//
// Math (the CPU reference's, CudaCnn.Ops.Pool2dParams): x [N,C,H,W] -> y [N,C,OH,OW]; output cell (oh, ow)
// covers input rows oh*sH - pH .. oh*sH - pH + kH - 1 (columns likewise), clipped to the input; OH/OW come
// from the host (floor or ceil mode are the same kernel).
//   max:  y = max over the window's real cells (padded cells never win; ties go to the first cell in
//         row-major order; the first NaN wins, so NaN propagates); argmax = h * W + w of the winner, an int32
//         index within its (n, c) plane.
//   avg:  y = sum over the window's real cells / divisor, divisor = the window's cell count clipped to the
//         padded input [-pH, H + pH) x [-pW, W + pW) when padding counts, else its real cell count.
//   global average: y[n,c] = mean over the H*W plane.
// Backward (input gradients, written `=`):
//   max_pool2d_backward_scatter: dx[argmax] = dy, for stride >= kernel on both axes, where each input cell lies
//     in at most one window: no atomics and no collisions. dx must be zeroed first (the launcher fills it).
//   max_pool2d_backward_gather:  any geometry (overlapping windows, 3x3 stride 2): one thread per input cell
//     sums dy over the windows that cover it and whose argmax it is, in a fixed order (deterministic).
//   avg_pool2d_backward: gather; each input cell sums dy / divisor over the windows that cover it.
//   global_avg_pool_backward: dx[n,c,h,w] = dy[n,c] / (H*W).
// Launch: POOL_BLOCK threads; one thread per output (forward, scatter) or per input cell (gather), flat
// NCHW order so consecutive lanes touch consecutive w (coalesced on the written side); grid-stride loops.
// global_avg_pool_forward: one warp per (n, c) plane, POOL_BLOCK / 32 planes per block.
#include "common.cuh"

#define POOL_BLOCK 256

// Window and plane geometry. Kernels take it as separate int parameters (POOL_GEOMETRY_PARAMS, in this order)
// and rebuild it with POOL_GEOMETRY, since a launch passes 4- and 8-byte scalars only.
struct PoolGeometry {
    int height, width, outHeight, outWidth;
    int kernelH, kernelW, strideH, strideW, padH, padW;
    int countIncludePad;  // average pooling only
};
#define POOL_GEOMETRY_PARAMS                                                                      \
    int height, int width, int outHeight, int outWidth, int kernelH, int kernelW, int strideH, \
        int strideW, int padH, int padW, int countIncludePad
#define POOL_GEOMETRY                                                                                      \
    const PoolGeometry g = {height, width, outHeight, outWidth, kernelH, kernelW, strideH, strideW, padH, \
                            padW, countIncludePad}

// The range [first, last] of output indices along one axis whose window covers input index i.
__device__ __forceinline__ int2 covering_range(int i, int kernel, int stride, int pad, int outSize) {
    const int shifted = i + pad;
    const int first = shifted < kernel ? 0 : (shifted - kernel) / stride + 1;
    const int last = min(shifted / stride, outSize - 1);
    return make_int2(first, last);
}

// The outputs whose windows cover input cell `cell` (flat within its plane): rows [oh0, oh1] x columns [ow0, ow1],
// empty when a first index exceeds its last.
struct CoveringOutputs {
    int oh0, oh1, ow0, ow1;
};

__device__ __forceinline__ CoveringOutputs covering_outputs(const PoolGeometry& g, int cell) {
    const int h = cell / g.width, w = cell - h * g.width;
    const int2 rows = covering_range(h, g.kernelH, g.strideH, g.padH, g.outHeight);
    const int2 cols = covering_range(w, g.kernelW, g.strideW, g.padW, g.outWidth);
    return {rows.x, rows.y, cols.x, cols.y};
}

// Output cell o (flat within its plane) and its window clipped to the input: rows [h0, h1), columns [w0, w1).
struct PoolWindow {
    int oh, ow, h0, h1, w0, w1;
};

__device__ __forceinline__ PoolWindow pool_window(const PoolGeometry& g, int o) {
    PoolWindow win;
    win.oh = o / g.outWidth;
    win.ow = o - win.oh * g.outWidth;
    const int top = win.oh * g.strideH - g.padH, left = win.ow * g.strideW - g.padW;
    win.h0 = max(top, 0);
    win.w0 = max(left, 0);
    win.h1 = min(top + g.kernelH, g.height);
    win.w1 = min(left + g.kernelW, g.width);
    return win;
}

// Average pooling's divisor for output (oh, ow).
__device__ __forceinline__ float avg_divisor(const PoolGeometry& g, int oh, int ow) {
    int h0 = oh * g.strideH - g.padH, w0 = ow * g.strideW - g.padW;
    int h1 = h0 + g.kernelH, w1 = w0 + g.kernelW;
    if (g.countIncludePad) {
        h1 = min(h1, g.height + g.padH);
        w1 = min(w1, g.width + g.padW);
    } else {
        h0 = max(h0, 0);
        w0 = max(w0, 0);
        h1 = min(h1, g.height);
        w1 = min(w1, g.width);
    }
    return (float)((h1 - h0) * (w1 - w0));
}

// y and argmax: N*C*OH*OW each; x: N*C*H*W. planes = N*C.
extern "C" __global__ void __launch_bounds__(POOL_BLOCK)
max_pool2d_forward(float* __restrict__ y, int* __restrict__ argmax, const float* __restrict__ x, long long planes,
                   POOL_GEOMETRY_PARAMS) {
    POOL_GEOMETRY;
    const long long outPlane = (long long)g.outHeight * g.outWidth;
    GRID_STRIDE_LOOP(i, planes * outPlane) {
        const long long plane = i / outPlane;
        const PoolWindow win = pool_window(g, (int)(i - plane * outPlane));
        const float* in = x + plane * g.height * g.width;
        int best = win.h0 * g.width + win.w0;
        float bestValue = in[best];
        for (int h = win.h0; h < win.h1; h++)
            for (int w = win.w0; w < win.w1; w++) {
                const float v = in[h * g.width + w];
                if (v > bestValue || (v != v && bestValue == bestValue)) {  // the first NaN wins: NaN propagates
                    bestValue = v;
                    best = h * g.width + w;
                }
            }
        y[i] = bestValue;
        argmax[i] = best;
    }
}

// Stride >= kernel on both axes; dx zeroed beforehand. One thread per output.
extern "C" __global__ void __launch_bounds__(POOL_BLOCK)
max_pool2d_backward_scatter(float* __restrict__ dx, const float* __restrict__ dy, const int* __restrict__ argmax,
                            long long planes, POOL_GEOMETRY_PARAMS) {
    POOL_GEOMETRY;
    const long long outPlane = (long long)g.outHeight * g.outWidth;
    GRID_STRIDE_LOOP(i, planes * outPlane) {
        const long long plane = i / outPlane;
        dx[plane * g.height * g.width + argmax[i]] = dy[i];
    }
}

// Any geometry. One thread per input cell.
extern "C" __global__ void __launch_bounds__(POOL_BLOCK)
max_pool2d_backward_gather(float* __restrict__ dx, const float* __restrict__ dy, const int* __restrict__ argmax,
                           long long planes, POOL_GEOMETRY_PARAMS) {
    POOL_GEOMETRY;
    const long long inPlane = (long long)g.height * g.width, outPlane = (long long)g.outHeight * g.outWidth;
    GRID_STRIDE_LOOP(i, planes * inPlane) {
        const long long plane = i / inPlane;
        const int cell = (int)(i - plane * inPlane);
        const CoveringOutputs cover = covering_outputs(g, cell);
        const long long base = plane * outPlane;
        float sum = 0.0f;
        for (int oh = cover.oh0; oh <= cover.oh1; oh++)
            for (int ow = cover.ow0; ow <= cover.ow1; ow++) {
                const long long o = base + oh * g.outWidth + ow;
                if (argmax[o] == cell) sum += dy[o];
            }
        dx[i] = sum;
    }
}

extern "C" __global__ void __launch_bounds__(POOL_BLOCK)
avg_pool2d_forward(float* __restrict__ y, const float* __restrict__ x, long long planes, POOL_GEOMETRY_PARAMS) {
    POOL_GEOMETRY;
    const long long outPlane = (long long)g.outHeight * g.outWidth;
    GRID_STRIDE_LOOP(i, planes * outPlane) {
        const long long plane = i / outPlane;
        const PoolWindow win = pool_window(g, (int)(i - plane * outPlane));
        const float* in = x + plane * g.height * g.width;
        float sum = 0.0f;
        for (int h = win.h0; h < win.h1; h++)
            for (int w = win.w0; w < win.w1; w++) sum += in[h * g.width + w];
        y[i] = sum / avg_divisor(g, win.oh, win.ow);
    }
}

extern "C" __global__ void __launch_bounds__(POOL_BLOCK)
avg_pool2d_backward(float* __restrict__ dx, const float* __restrict__ dy, long long planes, POOL_GEOMETRY_PARAMS) {
    POOL_GEOMETRY;
    const long long inPlane = (long long)g.height * g.width, outPlane = (long long)g.outHeight * g.outWidth;
    GRID_STRIDE_LOOP(i, planes * inPlane) {
        const long long plane = i / inPlane;
        const CoveringOutputs cover = covering_outputs(g, (int)(i - plane * inPlane));
        const float* grad = dy + plane * outPlane;
        float sum = 0.0f;
        for (int oh = cover.oh0; oh <= cover.oh1; oh++)
            for (int ow = cover.ow0; ow <= cover.ow1; ow++) sum += grad[oh * g.outWidth + ow] / avg_divisor(g, oh, ow);
        dx[i] = sum;
    }
}

// One warp per plane: lanes stride the plane (coalesced), then a shuffle reduction.
extern "C" __global__ void __launch_bounds__(POOL_BLOCK)
global_avg_pool_forward(float* __restrict__ y, const float* __restrict__ x, long long planes, long long planeSize) {
    const int lane = threadIdx.x % 32;
    const long long warps = global_thread_count() / 32;
    for (long long plane = global_thread_index() / 32; plane < planes; plane += warps) {
        const float* in = x + plane * planeSize;
        float sum = 0.0f;
        for (long long j = lane; j < planeSize; j += 32) sum += in[j];
        sum = warp_reduce_sum(sum);
        if (lane == 0) y[plane] = sum / (float)planeSize;
    }
}

extern "C" __global__ void __launch_bounds__(POOL_BLOCK)
global_avg_pool_backward(float* __restrict__ dx, const float* __restrict__ dy, long long planes, long long planeSize) {
    GRID_STRIDE_LOOP(i, planes * planeSize) dx[i] = dy[i / planeSize] / (float)planeSize;
}
