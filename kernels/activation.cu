// activation.cu: element-wise activations forward and backward, and bias + activation fused.
//
// Math: activation.cuh (relu, leaky relu, elu, tanh, sigmoid; `kind` is an ACT_* code, alpha the slope/scale).
//   activation_forward:       y[i] = f(x[i])                                    (=)
//   activation_backward:      dx[i] = dy[i] * f'(x[i]), x the forward input      (=)
//   bias_activation_forward:  y[n,c,s] = f(x[n,c,s] + bias[c])                   (=)
//   bias_activation_backward: dx[n,c,s] = dy[n,c,s] * f'(x[n,c,s] + bias[c])     (=)
//                             dbias[c] += sum over n, s of dx[n,c,s]             (+=)
// Layout: flat float32 buffers of n elements; the bias kernels see NCHW as [N][C][S] with S = H*W.
// Launch: ACTIVATION_BLOCK threads per block. The flat kernels run a grid-stride loop (grid capped at one wave).
//   The *_vec4 variants move float4s (16 B per lane: 16 sectors per warp request) over the first n/4*4
//   elements and finish the n % 4 tail with scalar accesses; the launcher picks them when every buffer is
//   16-byte aligned (and, for the bias kernel, S % 4 == 0 so a float4 never straddles two channels).
//   bias_activation_backward runs one block per channel and reduces its dbias with a fixed tree (no atomics):
//   repeated runs give identical bits.
// In place is allowed for the flat kernels (y == x, dx == dy): each element is read before it is written by
// the same thread.
#include "common.cuh"
#include "activation.cuh"

#define ACTIVATION_BLOCK 256

extern "C" __global__ void __launch_bounds__(ACTIVATION_BLOCK)
activation_forward_f32(float* y, const float* x, long long n, int kind, float alpha) {
    GRID_STRIDE_LOOP(i, n) y[i] = activation_forward(kind, x[i], alpha);
}

extern "C" __global__ void __launch_bounds__(ACTIVATION_BLOCK)
activation_forward_vec4(float* y, const float* x, long long n, int kind, float alpha) {
    const long long groups = n / 4;
    GRID_STRIDE_LOOP(g, groups) {
        float4 v = reinterpret_cast<const float4*>(x)[g];
        v.x = activation_forward(kind, v.x, alpha);
        v.y = activation_forward(kind, v.y, alpha);
        v.z = activation_forward(kind, v.z, alpha);
        v.w = activation_forward(kind, v.w, alpha);
        reinterpret_cast<float4*>(y)[g] = v;
    }
    const long long tail = groups * 4 + global_thread_index();
    if (tail < n) y[tail] = activation_forward(kind, x[tail], alpha);
}

extern "C" __global__ void __launch_bounds__(ACTIVATION_BLOCK)
activation_backward_f32(float* dx, const float* dy, const float* x, long long n, int kind, float alpha) {
    GRID_STRIDE_LOOP(i, n) dx[i] = dy[i] * activation_derivative(kind, x[i], alpha);
}

extern "C" __global__ void __launch_bounds__(ACTIVATION_BLOCK)
activation_backward_vec4(float* dx, const float* dy, const float* x, long long n, int kind, float alpha) {
    const long long groups = n / 4;
    GRID_STRIDE_LOOP(g, groups) {
        const float4 v = reinterpret_cast<const float4*>(x)[g];
        float4 d = reinterpret_cast<const float4*>(dy)[g];
        d.x *= activation_derivative(kind, v.x, alpha);
        d.y *= activation_derivative(kind, v.y, alpha);
        d.z *= activation_derivative(kind, v.z, alpha);
        d.w *= activation_derivative(kind, v.w, alpha);
        reinterpret_cast<float4*>(dx)[g] = d;
    }
    const long long tail = groups * 4 + global_thread_index();
    if (tail < n) dx[tail] = dy[tail] * activation_derivative(kind, x[tail], alpha);
}

// n = N * C * spatial elements; channel of flat index i is (i / spatial) % channels.
extern "C" __global__ void __launch_bounds__(ACTIVATION_BLOCK)
bias_activation_forward_f32(float* y, const float* x, const float* bias, long long n, int channels,
                            long long spatial, int kind, float alpha) {
    GRID_STRIDE_LOOP(i, n) {
        const int c = (int)((i / spatial) % channels);
        y[i] = activation_forward(kind, x[i] + bias[c], alpha);
    }
}

// As bias_activation_forward_f32, spatial % 4 == 0 and 16-byte aligned buffers.
extern "C" __global__ void __launch_bounds__(ACTIVATION_BLOCK)
bias_activation_forward_vec4(float* y, const float* x, const float* bias, long long n, int channels,
                             long long spatial, int kind, float alpha) {
    const long long groups = n / 4, spatialGroups = spatial / 4;
    GRID_STRIDE_LOOP(g, groups) {
        const float b = bias[(int)((g / spatialGroups) % channels)];
        float4 v = reinterpret_cast<const float4*>(x)[g];
        v.x = activation_forward(kind, v.x + b, alpha);
        v.y = activation_forward(kind, v.y + b, alpha);
        v.z = activation_forward(kind, v.z + b, alpha);
        v.w = activation_forward(kind, v.w + b, alpha);
        reinterpret_cast<float4*>(y)[g] = v;
    }
}

// One block per channel c (grid = channels): walks the channel's N planes of `spatial` contiguous elements.
extern "C" __global__ void __launch_bounds__(ACTIVATION_BLOCK)
bias_activation_backward(float* dx, float* dbias, const float* dy, const float* x, const float* bias,
                         int batch, int channels, long long spatial, int kind, float alpha) {
    __shared__ float scratch[32];
    const int c = blockIdx.x;
    const float b = bias[c];
    const long long perChannel = (long long)batch * spatial;
    float sum = 0.0f;
    for (long long j = threadIdx.x; j < perChannel; j += blockDim.x) {
        const long long n = j / spatial;
        const long long i = (n * channels + c) * spatial + (j - n * spatial);
        const float d = dy[i] * activation_derivative(kind, x[i] + b, alpha);
        dx[i] = d;
        sum += d;
    }
    sum = block_reduce_sum(sum, scratch);
    if (threadIdx.x == 0) dbias[c] += sum;
}
