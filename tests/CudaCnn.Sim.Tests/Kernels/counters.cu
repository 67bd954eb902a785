// Access patterns with hand-computable sector and bank-conflict counts.

extern "C" __global__ void copy_float(const float* in, float* out)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    out[i] = in[i];
}

extern "C" __global__ void copy_float4(const float4* in, float4* out)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    out[i] = in[i];
}

// Lane i reads in[i * 32]: every lane in its own 128-byte line.
extern "C" __global__ void strided_read(const float* in, float* out)
{
    int i = threadIdx.x;
    out[i] = in[i * 32];
}

// Lane t stores to row t/16, column 2*(t%16) of a [2][32 + pad] tile: pad 0 puts both rows in the same
// (even) banks, a 2-way conflict; pad 1 moves row 1 to the odd banks.
extern "C" __global__ void bank_rows(float* out, int pad)
{
    __shared__ float tile[2 * 33];
    int t = threadIdx.x;
    int index = (t / 16) * (32 + pad) + 2 * (t % 16);
    tile[index] = (float)t;
    __syncwarp();
    out[t] = tile[index];
}

// Global and shared atomics from many blocks.
extern "C" __global__ void histogram(const int* values, int n, unsigned int* bins)
{
    __shared__ unsigned int local[16];
    int t = threadIdx.x;
    if (t < 16) local[t] = 0;
    __syncthreads();
    int i = blockIdx.x * blockDim.x + t;
    if (i < n) atomicAdd(&local[values[i] & 15], 1u);
    __syncthreads();
    if (t < 16) atomicAdd(&bins[t], local[t]);
}

#define TILE 16
// Tiled SGEMM (C = A * B, row-major, M x K times K x N).
extern "C" __global__ void sgemm_tiled(const float* A, const float* B, float* C, int M, int N, int K)
{
    __shared__ float As[TILE][TILE + 1];
    __shared__ float Bs[TILE][TILE];
    int tx = threadIdx.x, ty = threadIdx.y;
    int row = blockIdx.y * TILE + ty, col = blockIdx.x * TILE + tx;
    float acc = 0.0f;
    for (int k0 = 0; k0 < K; k0 += TILE)
    {
        As[ty][tx] = (row < M && k0 + tx < K) ? A[row * K + k0 + tx] : 0.0f;
        Bs[ty][tx] = (col < N && k0 + ty < K) ? B[(k0 + ty) * N + col] : 0.0f;
        __syncthreads();
#pragma unroll
        for (int k = 0; k < TILE; ++k) acc = fmaf(As[ty][k], Bs[k][tx], acc);
        __syncthreads();
    }
    if (row < M && col < N) C[row * N + col] = acc;
}
