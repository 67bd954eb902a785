// softmax.cu: softmax (inference) and softmax cross-entropy fused forward and backward.
//
// Math (the CPU reference's), per row r of logits x [rows, cols] (rows = batch, cols = classes):
//   m = max_j x[j],  s = sum_j exp(x[j] - m)     (subtracting the max keeps exp from overflowing)
//   softmax_forward:               y[j] = exp(x[j] - m) / s                                   (=)
//   softmax_cross_entropy_forward: probs[j] = exp(x[j] - m) / s                               (=)
//                                  rowLoss[r] = log(s) + m - x[label[r]]  (= -log probs[label]) (=)
//                                  a label outside [0, cols) gives rowLoss NaN (labels live on the device,
//                                  so the host cannot check them without a synchronizing copy)
//   loss_mean:                     loss[0] = sum_r rowLoss[r] / rows                          (=)
//   softmax_cross_entropy_backward: dx[r, j] = (probs[r, j] - (j == label[r])) * gradScale   (=)
//                                  gradScale = dLoss / rows for the mean loss.
// Layout: row-major [rows][cols] float32; labels int32 [rows].
// Launch: SOFTMAX_BLOCK threads. The row kernels give one warp per row (SOFTMAX_BLOCK / 32 rows per block,
//   grid-stride over rows): lanes stride the row (coalesced), max and sum by shuffles. loss_mean is a single
//   block reducing with a fixed tree (deterministic, no atomics). The backward is a flat grid-stride kernel.
#include "common.cuh"

#define SOFTMAX_BLOCK 256

// Softmax of one row by the calling warp: writes out[j] = exp(row[j] - m) / s and returns (m, s), the row max
// and sum of exp(row - m), to every lane.
__device__ __forceinline__ float2 softmax_row(float* out, const float* row, int cols, int lane) {
    float m = __int_as_float(0xff800000);  // -infinity (no <math.h> under NVRTC)
    for (int j = lane; j < cols; j += 32) m = fmaxf(m, row[j]);
    m = warp_reduce_max(m);
    float s = 0.0f;
    for (int j = lane; j < cols; j += 32) s += expf(row[j] - m);
    s = warp_reduce_sum(s);
    const float inv = 1.0f / s;
    for (int j = lane; j < cols; j += 32) out[j] = expf(row[j] - m) * inv;
    return make_float2(m, s);
}

extern "C" __global__ void __launch_bounds__(SOFTMAX_BLOCK)
softmax_forward(float* __restrict__ y, const float* __restrict__ x, int rows, int cols) {
    const int lane = threadIdx.x % 32;
    const long long warps = global_thread_count() / 32;
    for (long long r = global_thread_index() / 32; r < rows; r += warps) softmax_row(y + r * cols, x + r * cols, cols, lane);
}

extern "C" __global__ void __launch_bounds__(SOFTMAX_BLOCK)
softmax_cross_entropy_forward(float* __restrict__ probs, float* __restrict__ rowLoss, const float* __restrict__ x,
                              const int* __restrict__ labels, int rows, int cols) {
    const int lane = threadIdx.x % 32;
    const long long warps = global_thread_count() / 32;
    for (long long r = global_thread_index() / 32; r < rows; r += warps) {
        const float* row = x + r * cols;
        const float2 ms = softmax_row(probs + r * cols, row, cols, lane);
        if (lane == 0) {
            const int label = labels[r];
            rowLoss[r] = label >= 0 && label < cols ? logf(ms.y) + ms.x - row[label] : __int_as_float(0x7fc00000);  // NaN
        }
    }
}

// Launched as one block of SOFTMAX_BLOCK threads.
extern "C" __global__ void __launch_bounds__(SOFTMAX_BLOCK)
loss_mean(float* __restrict__ loss, const float* __restrict__ rowLoss, int rows) {
    __shared__ float scratch[32];
    float sum = 0.0f;
    for (int r = threadIdx.x; r < rows; r += blockDim.x) sum += rowLoss[r];
    sum = block_reduce_sum(sum, scratch);
    if (threadIdx.x == 0) loss[0] = sum / (float)rows;
}

extern "C" __global__ void __launch_bounds__(SOFTMAX_BLOCK)
softmax_cross_entropy_backward(float* __restrict__ dx, const float* __restrict__ probs, const int* __restrict__ labels,
                               int rows, int cols, float gradScale) {
    GRID_STRIDE_LOOP(i, (long long)rows * cols) {
        const long long r = i / cols;
        const int j = (int)(i - r * cols);
        dx[i] = (probs[i] - (j == labels[r] ? 1.0f : 0.0f)) * gradScale;
    }
}
