// Kernels with planted bugs (and their correct twins) for the checkers.

// Off by one: i == n writes one element past the end.
extern "C" __global__ void write_upto(float* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i <= n) out[i] = 1.0f;
}

// float4 loads from in + offset: misaligned unless offset is a multiple of 4.
extern "C" __global__ void load_float4(const float* in, float* out, int offset)
{
    const float4* p = reinterpret_cast<const float4*>(in + offset);
    float4 v = p[threadIdx.x];
    out[threadIdx.x] = v.x + v.y + v.z + v.w;
}

// Reverses through shared memory; without the barrier other warps' elements are read unsynchronised.
extern "C" __global__ void reverse_shared(const float* in, float* out, int sync)
{
    __shared__ float s[256];
    int t = threadIdx.x;
    s[t] = in[t];
    if (sync) __syncthreads();
    out[t] = s[blockDim.x - 1 - t];
}

// Lanes 0-15 shuffle with a full mask while lanes 16-31 never arrive (bug); mask_lo16 is the correct form.
extern "C" __global__ void shuffle_half(const int* in, int* out, int mask_lo16)
{
    int t = threadIdx.x;
    int v = in[t];
    if (t < 16)
    {
        if (mask_lo16) v = __shfl_sync(0x0000ffffu, v, (t + 8) & 15);
        else v = __shfl_sync(0xffffffffu, v, t + 16);
    }
    out[t] = v;
}

// __syncthreads inside a branch taken by part of the block while the other threads go on to a second barrier.
extern "C" __global__ void divergent_barrier(float* out, int limit)
{
    __shared__ float s[64];
    int t = threadIdx.x;
    s[t] = (float)t;
    if (t < limit)
    {
        __syncthreads();
        out[t] = s[(t + 1) % blockDim.x];
    }
    __syncthreads();
    out[t + blockDim.x] = s[t];
}
