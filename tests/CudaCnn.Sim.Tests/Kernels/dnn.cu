// Typical DNN kernels (warp softmax, batch-norm statistics, max pooling, math functions) for end-to-end runs.

#define NEG_INF __int_as_float(0xff800000)

// One warp per row: max and sum reductions with shuffles, expf, division.
extern "C" __global__ void softmax_warp(const float* x, float* y, int cols)
{
    int row = blockIdx.x, lane = threadIdx.x;
    float m = NEG_INF;
    for (int c = lane; c < cols; c += 32) m = fmaxf(m, x[row * cols + c]);
    for (int o = 16; o; o >>= 1) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, o));
    float s = 0;
    for (int c = lane; c < cols; c += 32) s += expf(x[row * cols + c] - m);
    for (int o = 16; o; o >>= 1) s += __shfl_down_sync(0xffffffffu, s, o);
    s = __shfl_sync(0xffffffffu, s, 0);
    for (int c = lane; c < cols; c += 32) y[row * cols + c] = expf(x[row * cols + c] - m) / s;
}

// Per-channel mean and variance of an (n, c) matrix: dynamic shared memory tree reduction, float atomicAdd.
extern "C" __global__ void bn_stats(const float* x, float* mean, float* var, int n, int c)
{
    extern __shared__ float sm[];
    int ch = blockIdx.x;
    float s = 0, q = 0;
    for (int i = threadIdx.x; i < n; i += blockDim.x)
    {
        float v = x[i * c + ch];
        s += v;
        q += v * v;
    }
    sm[threadIdx.x] = s;
    sm[threadIdx.x + blockDim.x] = q;
    __syncthreads();
    for (int st = blockDim.x / 2; st > 0; st >>= 1)
    {
        if (threadIdx.x < st)
        {
            sm[threadIdx.x] += sm[threadIdx.x + st];
            sm[threadIdx.x + blockDim.x] += sm[threadIdx.x + blockDim.x + st];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0)
    {
        float mu = sm[0] / n;
        atomicAdd(&mean[ch], mu);
        var[ch] = sm[blockDim.x] / n - mu * mu;
    }
}

// 2x2 max pooling with argmax.
extern "C" __global__ void maxpool2x2(const float* x, float* y, int* arg, int h, int w)
{
    int c = blockIdx.x, oh = blockIdx.y, ow = threadIdx.x;
    int oH = h / 2, oW = w / 2;
    if (ow >= oW) return;
    float m = NEG_INF;
    int a = -1;
    for (int kh = 0; kh < 2; ++kh)
        for (int kw = 0; kw < 2; ++kw)
        {
            int r = oh * 2 + kh, q = ow * 2 + kw;
            float v = x[(c * h + r) * w + q];
            if (v > m) { m = v; a = r * w + q; }
        }
    y[(c * oH + oh) * oW + ow] = m;
    arg[(c * oH + oh) * oW + ow] = a;
}

// Library math (libdevice expansions) and integer division by run-time values.
extern "C" __global__ void math_ops(const float* x, float* y, int* iy)
{
    int i = threadIdx.x;
    float v = x[i];
    y[i * 6 + 0] = tanhf(v);
    y[i * 6 + 1] = logf(fabsf(v) + 1.0f);
    y[i * 6 + 2] = powf(fabsf(v), 1.7f);
    y[i * 6 + 3] = rsqrtf(fabsf(v) + 1.0f);
    y[i * 6 + 4] = sqrtf(fabsf(v));
    y[i * 6 + 5] = 1.0f / (1.0f + expf(-v));
    iy[i * 2 + 0] = (int)(v * 1000.0f) / (i - 16);
    iy[i * 2 + 1] = (i * 7919) % (i + 3);
}
