// concat.cu: concatenation along channels (Inception-style blocks), forward and backward.
//
// Math: y = concat(x_0, x_1, ..., dim = 1) for NCHW tensors that agree in N, H, W. Each part is one launch:
//   concat_channels_forward:  y[n, offset + c, s] = x[n, c, s]         (= on y's slice of the part)
//   concat_channels_backward: dx[n, c, s] = dy[n, offset + c, s]       (=)
// for c < partChannels, s < S = H*W; offset = the channels of the parts before it, y has totalChannels.
// Layout: NCHW. Per image the part is one contiguous run of partChannels * S floats on both sides, so the
// copy is a strided-by-image memcpy.
// Launch: CONCAT_BLOCK threads, one thread per element of the part, grid-stride (grid capped at one wave);
//   consecutive lanes copy consecutive floats on both sides (coalesced).
#include "common.cuh"

#define CONCAT_BLOCK 256

// Flat index in the concatenated tensor of element i of the part.
__device__ __forceinline__ long long concat_index(long long i, long long partRun, long long totalRun,
                                                  long long offsetRun) {
    const long long n = i / partRun;
    return n * totalRun + offsetRun + (i - n * partRun);
}

// runs in floats: partRun = partChannels * S, totalRun = totalChannels * S, offsetRun = offset * S.
extern "C" __global__ void __launch_bounds__(CONCAT_BLOCK)
concat_channels_forward(float* __restrict__ y, const float* __restrict__ x, long long n, long long partRun,
                        long long totalRun, long long offsetRun) {
    GRID_STRIDE_LOOP(i, n) y[concat_index(i, partRun, totalRun, offsetRun)] = x[i];
}

extern "C" __global__ void __launch_bounds__(CONCAT_BLOCK)
concat_channels_backward(float* __restrict__ dx, const float* __restrict__ dy, long long n, long long partRun,
                         long long totalRun, long long offsetRun) {
    GRID_STRIDE_LOOP(i, n) dx[i] = dy[concat_index(i, partRun, totalRun, offsetRun)];
}
