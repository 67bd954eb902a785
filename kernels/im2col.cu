// im2col.cu: the column matrix of one image for convolution as GEMM, its adjoint col2im, and the bias
// gradient reduction.
//
// Geometry (CudaCnn.Ops.Conv2dParams): x image [C, H, W]; filter kH x kW, stride sH x sW, padding pH x pW,
// dilation dH x dW; output OH x OW. The column matrix is [C * kH * kW, OH * OW], row-major:
//   col[(c * kH + i) * kW + j][oh * OW + ow] = x[c][oh * sH - pH + i * dH][ow * sW - pW + j * dW], 0 outside.
// Rows of channel group g are the contiguous block [g * Cg * kH * kW, (g + 1) * Cg * kH * kW), so a grouped
// convolution is a strided-batched GEMM over the groups.
// Launch: 1-D, IM2COL_BLOCK threads, grid-stride loop (any grid size covers the work). Indices within one
// image are 32-bit (the launcher checks that C*H*W and the column matrix stay below 2^31 elements): 64-bit
// division is a ptxas subroutine call that spills; the image offset itself is applied by the launcher.
#include "common.cuh"

#define IM2COL_BLOCK 256
#define BIAS_GRAD_BLOCK 256

// im2col: col = im2col(x) for one image (written, =). Consecutive threads take consecutive output columns,
// so the stores are coalesced and the loads stride by sW.
extern "C" __global__ void __launch_bounds__(IM2COL_BLOCK)
im2col(float* __restrict__ col, const float* __restrict__ x, int C, int H, int W, int kH, int kW,
       int sH, int sW, int pH, int pW, int dH, int dW, int OH, int OW) {
    const int total = C * kH * kW * OH * OW;
    for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
        const int ow = idx % OW;
        int t = idx / OW;
        const int oh = t % OH;
        t /= OH;
        const int j = t % kW;
        t /= kW;
        const int i = t % kH;
        const int c = t / kH;
        const int h = oh * sH - pH + i * dH;
        const int w = ow * sW - pW + j * dW;
        col[idx] = (h >= 0 && h < H && w >= 0 && w < W) ? x[(c * H + h) * W + w] : 0.0f;
    }
}

// col2im: x = im2col^T(col) for one image (written, =): every x element gathers the column entries that
// im2col copied from it, in a fixed order, so the result is deterministic (no atomics).
extern "C" __global__ void __launch_bounds__(IM2COL_BLOCK)
col2im(float* __restrict__ x, const float* __restrict__ col, int C, int H, int W, int kH, int kW,
       int sH, int sW, int pH, int pW, int dH, int dW, int OH, int OW) {
    const int total = C * H * W;
    const int columns = OH * OW;
    for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
        const int w = idx % W;
        const int h = (idx / W) % H;
        const int c = idx / (H * W);
        float sum = 0.0f;
        for (int i = 0; i < kH; i++) {
            const int hh = h + pH - i * dH;
            if (hh < 0 || hh % sH != 0 || hh / sH >= OH) continue;
            const int oh = hh / sH;
            for (int j = 0; j < kW; j++) {
                const int ww = w + pW - j * dW;
                if (ww < 0 || ww % sW != 0 || ww / sW >= OW) continue;
                sum += col[((c * kH + i) * kW + j) * columns + oh * OW + ww / sW];
            }
        }
        x[idx] = sum;
    }
}

// conv_bias_backward: db[k] += sum over n, p of dy[n][k][p] for dy [N, K, P] (accumulates, +=). One block per
// channel k (grid = K); a fixed thread-to-element assignment and a tree reduction make it deterministic.
extern "C" __global__ void __launch_bounds__(BIAS_GRAD_BLOCK)
conv_bias_backward(float* __restrict__ db, const float* __restrict__ dy, int N, int K, long long P) {
    __shared__ float scratch[32];
    const int k = blockIdx.x;
    float sum = 0.0f;
    for (int n = 0; n < N; n++) {
        const float* plane = dy + ((long long)n * K + k) * P;
        for (long long p = threadIdx.x; p < P; p += BIAS_GRAD_BLOCK) sum += plane[p];
    }
    sum = block_reduce_sum(sum, scratch);
    if (threadIdx.x == 0) db[k] += sum;
}
