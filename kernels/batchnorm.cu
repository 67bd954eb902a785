// batchnorm.cu: spatial batch normalization, training forward, inference forward, backward.
//
// Math (the CPU reference's, CudaCnn.Ops.BatchNormParams; PyTorch's conventions), per channel c over the
// M = N * H * W values of x[:, c, :, :]:
//   mean = sum x / M,  var = sum (x - mean)^2 / M (biased),  invstd = 1 / sqrt(var + eps)
//   training:  y = gamma[c] * (x - mean) * invstd + beta[c]                                          (=)
//              saveMean[c] = mean, saveInvStd[c] = invstd                                            (=)
//              runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean                    (updated)
//              runningVar[c]  = (1 - momentum) * runningVar[c]  + momentum * var * M / (M - 1)       (updated)
//   inference: y = gamma[c] * (x - runningMean[c]) / sqrt(runningVar[c] + eps) + beta[c]            (=)
//   backward (training statistics; xhat = (x - saveMean) * saveInvStd):
//              dbeta[c]  += sum dy,  dgamma[c] += sum dy * xhat                                      (+=)
//              dx = gamma[c] * invstd * (dy - sum dy / M - xhat * sum(dy * xhat) / M)                (=)
// Layout: NCHW; the kernels see [N][C][S], S = H*W.
// Launch: the training forward and the backward run one block of BN_BLOCK threads per channel (grid = C).
//   The block walks its channel's N planes of S contiguous floats (coalesced), computes the mean and then the
//   variance in two passes (accurate: no E[x^2] - E[x]^2 cancellation), then writes y. Reductions are
//   per-thread float sums combined by a fixed shuffle/shared tree: no atomics, so results are bitwise
//   reproducible run to run. The inference forward is a flat grid-stride kernel.
#include "common.cuh"

#define BN_BLOCK 256

// Flat index of the j-th element (j < N * S) of channel c.
__device__ __forceinline__ long long bn_index(long long j, int c, int channels, long long spatial) {
    const long long n = j / spatial;
    return (n * channels + c) * spatial + (j - n * spatial);
}

extern "C" __global__ void __launch_bounds__(BN_BLOCK)
batchnorm_forward_training(float* __restrict__ y, float* __restrict__ saveMean, float* __restrict__ saveInvStd,
                           float* __restrict__ runningMean, float* __restrict__ runningVar,
                           const float* __restrict__ x, const float* __restrict__ gamma,
                           const float* __restrict__ beta, int batch, int channels, long long spatial, float epsilon,
                           float momentum) {
    __shared__ float scratch[32];
    const int c = blockIdx.x;
    const long long count = (long long)batch * spatial;

    float sum = 0.0f;
    for (long long j = threadIdx.x; j < count; j += blockDim.x) sum += x[bn_index(j, c, channels, spatial)];
    const float mean = block_reduce_sum(sum, scratch) / (float)count;

    float squares = 0.0f;
    for (long long j = threadIdx.x; j < count; j += blockDim.x) {
        const float d = x[bn_index(j, c, channels, spatial)] - mean;
        squares += d * d;
    }
    const float var = block_reduce_sum(squares, scratch) / (float)count;
    const float invstd = 1.0f / sqrtf(var + epsilon);

    if (threadIdx.x == 0) {
        saveMean[c] = mean;
        saveInvStd[c] = invstd;
        const float unbiased = var * ((float)count / (float)(count - 1));
        runningMean[c] = (1.0f - momentum) * runningMean[c] + momentum * mean;
        runningVar[c] = (1.0f - momentum) * runningVar[c] + momentum * unbiased;
    }
    const float a = gamma[c] * invstd, b = beta[c] - mean * a;
    for (long long j = threadIdx.x; j < count; j += blockDim.x) {
        const long long i = bn_index(j, c, channels, spatial);
        y[i] = fmaf(x[i], a, b);
    }
}

// n = N * C * S elements.
extern "C" __global__ void __launch_bounds__(BN_BLOCK)
batchnorm_forward_inference(float* __restrict__ y, const float* __restrict__ x, const float* __restrict__ gamma,
                            const float* __restrict__ beta, const float* __restrict__ runningMean,
                            const float* __restrict__ runningVar, long long n, int channels, long long spatial,
                            float epsilon) {
    GRID_STRIDE_LOOP(i, n) {
        const int c = (int)((i / spatial) % channels);
        const float invstd = 1.0f / sqrtf(runningVar[c] + epsilon);
        y[i] = gamma[c] * (x[i] - runningMean[c]) * invstd + beta[c];
    }
}

extern "C" __global__ void __launch_bounds__(BN_BLOCK)
batchnorm_backward(float* __restrict__ dx, float* __restrict__ dgamma, float* __restrict__ dbeta,
                   const float* __restrict__ dy, const float* __restrict__ x, const float* __restrict__ gamma,
                   const float* __restrict__ saveMean, const float* __restrict__ saveInvStd, int batch, int channels,
                   long long spatial) {
    __shared__ float2 scratch[32];
    const int c = blockIdx.x;
    const long long count = (long long)batch * spatial;
    const float mean = saveMean[c], invstd = saveInvStd[c];

    float2 sums = make_float2(0.0f, 0.0f);  // (sum dy, sum dy * xhat)
    for (long long j = threadIdx.x; j < count; j += blockDim.x) {
        const long long i = bn_index(j, c, channels, spatial);
        const float g = dy[i];
        sums.x += g;
        sums.y += g * (x[i] - mean) * invstd;
    }
    sums = block_reduce_sum2(sums, scratch);

    if (threadIdx.x == 0) {
        dbeta[c] += sums.x;
        dgamma[c] += sums.y;
    }
    const float meanDy = sums.x / (float)count, meanDyXhat = sums.y / (float)count;
    const float a = gamma[c] * invstd;
    for (long long j = threadIdx.x; j < count; j += blockDim.x) {
        const long long i = bn_index(j, c, channels, spatial);
        const float xhat = (x[i] - mean) * invstd;
        dx[i] = a * (dy[i] - meanDy - xhat * meanDyXhat);
    }
}
