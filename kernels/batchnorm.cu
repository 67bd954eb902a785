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
// Launch: with few channels and a large M, one block per channel leaves most SMs idle, so the launcher splits
//   each channel's M values (in n-major order) into `chunks` contiguous runs of `chunkLength` (the last may be
//   shorter, none empty) and picks chunks from C and M (BatchNormKernels.Chunks). Every block has BN_BLOCK threads.
//   chunks == 1 (C large or M small): one kernel, grid = C. The block walks its channel's N planes of S contiguous
//     floats (coalesced), computes the mean and then the variance in two passes (accurate: no E[x^2] - E[x]^2
//     cancellation), then writes y. The backward sums (dy, dy * xhat) in one two-value reduction, then writes dx.
//   chunks > 1: two kernels, grid = (chunks, C), and a workspace of 2 * C * chunks floats (float2 per chunk).
//     forward:  *_partials writes each chunk k's (s_k = sum x, M2_k = sum (x - mean_k)^2, mean_k = s_k / n_k: two
//               passes over the chunk, the second mostly from cache); *_apply has every block combine its
//               channel's chunks by the same fixed tree: mean = sum_k s_k / M, var = sum_k (M2_k + n_k *
//               (mean_k - mean)^2) / M (Chan et al.'s pairwise combination: no cancellation), then writes y of its
//               chunk; chunk 0 writes the saved and running statistics.
//     backward: *_partials writes each chunk's (sum dy, sum dy * xhat); *_apply has every block sum its channel's
//               chunks (fixed order) and write dx of its chunk; chunk 0 accumulates dgamma and dbeta.
//   Reductions are per-thread float sums combined by a fixed shuffle/shared tree (block_reduce_sum*): no atomics,
//   so results are bitwise reproducible run to run. The inference forward is a flat grid-stride kernel.
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

// ---- Split path (chunks > 1): blockIdx.x = chunk, blockIdx.y = channel; partials[c * chunks + chunk]. ----

// The end of this block's chunk [blockIdx.x * chunkLength, end) in channel order.
__device__ __forceinline__ long long bn_chunk_end(long long count, long long chunkLength) {
    return min(count, (blockIdx.x + 1) * chunkLength);
}

extern "C" __global__ void __launch_bounds__(BN_BLOCK)
batchnorm_forward_training_partials(float2* __restrict__ partials, const float* __restrict__ x, int batch,
                                    int channels, long long spatial, long long chunkLength) {
    __shared__ float scratch[32];
    const int c = blockIdx.y;
    const long long begin = blockIdx.x * chunkLength, end = bn_chunk_end((long long)batch * spatial, chunkLength);

    float sum = 0.0f;
    for (long long j = begin + threadIdx.x; j < end; j += blockDim.x) sum += x[bn_index(j, c, channels, spatial)];
    sum = block_reduce_sum(sum, scratch);
    const float chunkMean = sum / (float)(end - begin);

    float squares = 0.0f;
    for (long long j = begin + threadIdx.x; j < end; j += blockDim.x) {
        const float d = x[bn_index(j, c, channels, spatial)] - chunkMean;
        squares += d * d;
    }
    squares = block_reduce_sum(squares, scratch);
    if (threadIdx.x == 0) partials[(long long)c * gridDim.x + blockIdx.x] = make_float2(sum, squares);
}

extern "C" __global__ void __launch_bounds__(BN_BLOCK)
batchnorm_forward_training_apply(float* __restrict__ y, float* __restrict__ saveMean, float* __restrict__ saveInvStd,
                                 float* __restrict__ runningMean, float* __restrict__ runningVar,
                                 const float2* __restrict__ partials, const float* __restrict__ x,
                                 const float* __restrict__ gamma, const float* __restrict__ beta, int batch,
                                 int channels, long long spatial, long long chunkLength, float epsilon,
                                 float momentum) {
    __shared__ float scratch[32];
    const int c = blockIdx.y, chunks = gridDim.x;
    const long long count = (long long)batch * spatial;
    const float2* channel = partials + (long long)c * chunks;

    float sum = 0.0f;
    for (int k = threadIdx.x; k < chunks; k += blockDim.x) sum += channel[k].x;
    const float mean = block_reduce_sum(sum, scratch) / (float)count;

    float m2 = 0.0f;
    for (int k = threadIdx.x; k < chunks; k += blockDim.x) {
        const float n = (float)(min(count, (k + 1) * chunkLength) - k * chunkLength);
        const float d = channel[k].x / n - mean;
        m2 += channel[k].y + n * d * d;
    }
    const float var = block_reduce_sum(m2, scratch) / (float)count;
    const float invstd = 1.0f / sqrtf(var + epsilon);

    if (blockIdx.x == 0 && threadIdx.x == 0) {
        saveMean[c] = mean;
        saveInvStd[c] = invstd;
        const float unbiased = var * ((float)count / (float)(count - 1));
        runningMean[c] = (1.0f - momentum) * runningMean[c] + momentum * mean;
        runningVar[c] = (1.0f - momentum) * runningVar[c] + momentum * unbiased;
    }
    const long long begin = blockIdx.x * chunkLength, end = bn_chunk_end(count, chunkLength);
    const float a = gamma[c] * invstd, b = beta[c] - mean * a;
    for (long long j = begin + threadIdx.x; j < end; j += blockDim.x) {
        const long long i = bn_index(j, c, channels, spatial);
        y[i] = fmaf(x[i], a, b);
    }
}

extern "C" __global__ void __launch_bounds__(BN_BLOCK)
batchnorm_backward_partials(float2* __restrict__ partials, const float* __restrict__ dy, const float* __restrict__ x,
                            const float* __restrict__ saveMean, const float* __restrict__ saveInvStd, int batch,
                            int channels, long long spatial, long long chunkLength) {
    __shared__ float2 scratch[32];
    const int c = blockIdx.y;
    const float mean = saveMean[c], invstd = saveInvStd[c];
    const long long begin = blockIdx.x * chunkLength, end = bn_chunk_end((long long)batch * spatial, chunkLength);

    float2 sums = make_float2(0.0f, 0.0f);  // (sum dy, sum dy * xhat)
    for (long long j = begin + threadIdx.x; j < end; j += blockDim.x) {
        const long long i = bn_index(j, c, channels, spatial);
        const float g = dy[i];
        sums.x += g;
        sums.y += g * (x[i] - mean) * invstd;
    }
    sums = block_reduce_sum2(sums, scratch);
    if (threadIdx.x == 0) partials[(long long)c * gridDim.x + blockIdx.x] = sums;
}

extern "C" __global__ void __launch_bounds__(BN_BLOCK)
batchnorm_backward_apply(float* __restrict__ dx, float* __restrict__ dgamma, float* __restrict__ dbeta,
                         const float2* __restrict__ partials, const float* __restrict__ dy,
                         const float* __restrict__ x, const float* __restrict__ gamma,
                         const float* __restrict__ saveMean, const float* __restrict__ saveInvStd, int batch,
                         int channels, long long spatial, long long chunkLength) {
    __shared__ float2 scratch[32];
    const int c = blockIdx.y, chunks = gridDim.x;
    const long long count = (long long)batch * spatial;
    const float mean = saveMean[c], invstd = saveInvStd[c];
    const float2* channel = partials + (long long)c * chunks;

    float2 sums = make_float2(0.0f, 0.0f);
    for (int k = threadIdx.x; k < chunks; k += blockDim.x) {
        sums.x += channel[k].x;
        sums.y += channel[k].y;
    }
    sums = block_reduce_sum2(sums, scratch);
    if (blockIdx.x == 0 && threadIdx.x == 0) {
        dbeta[c] += sums.x;
        dgamma[c] += sums.y;
    }
    const long long begin = blockIdx.x * chunkLength, end = bn_chunk_end(count, chunkLength);
    const float meanDy = sums.x / (float)count, meanDyXhat = sums.y / (float)count;
    const float a = gamma[c] * invstd;
    for (long long j = begin + threadIdx.x; j < end; j += blockDim.x) {
        const long long i = bn_index(j, c, channels, spatial);
        const float xhat = (x[i] - mean) * invstd;
        dx[i] = a * (dy[i] - meanDy - xhat * meanDyXhat);
    }
}
