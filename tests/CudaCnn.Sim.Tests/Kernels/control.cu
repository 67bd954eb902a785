// Control-flow kernels for the software GPU's execution-model tests.

extern "C" __global__ void diverge(const int* in, int* out)
{
    int t = threadIdx.x;
    int v = in[t];
    if (v & 1)
    {
        for (int i = 0; i < v; ++i) out[t] += i;
    }
    else
    {
        out[t] = -v;
        if (v < 10) out[t + 64] = v * 5;
    }
}

// Per-lane trip counts, then a full-mask butterfly: the shuffle must wait for every lane.
extern "C" __global__ void trip_shuffle(const int* trips, int* out)
{
    int t = threadIdx.x;
    int s = 0;
    for (int i = 0; i < trips[t]; ++i) s += i + 1;
    for (int o = 16; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
    out[t] = s;
}

// Threads past n exit before the barrier; exited threads must not block it.
extern "C" __global__ void early_exit_barrier(const float* in, float* out, int n)
{
    __shared__ float buf[256];
    int t = threadIdx.x;
    if (t >= n) return;
    buf[t] = in[t] * 2.0f;
    __syncthreads();
    out[t] = buf[n - 1 - t];
}

__device__ __noinline__ int fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__device__ __noinline__ float twice(float x) { return 2.0f * x; }
__device__ __noinline__ float negate(float x) { return -x; }
typedef float (*unary_fn)(float);
__device__ unary_fn g_fns[2] = {twice, negate};

// Recursion with a per-lane depth, an indirect call through a table and a local array with a run-time index.
extern "C" __global__ void calls(const int* n, float* out)
{
    int t = threadIdx.x;
    float local[8];
    for (int j = 0; j < 8; ++j) local[j] = (float)(j * t);
    out[t] = (float)fib(n[t]) + g_fns[t & 1]((float)t) + local[n[t] & 7];
}
