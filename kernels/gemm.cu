// gemm.cu: single-precision GEMM, C = act(alpha * op(A) * op(B) + beta * C + bias), strided-batched.
//
// Layout (row-major, like the CPU reference GemmReference, with leading dimensions):
//   C is M x N, element (m, n) at C[m * ldc + n], ldc >= N.
//   op(A) is M x K: A stored M x K (A[m * lda + k], lda >= K) or, transposed, K x M (A[k * lda + m], lda >= M).
//   op(B) is K x N: B stored K x N (B[k * ldb + n], ldb >= N) or, transposed, N x K (B[n * ldb + k], ldb >= K).
//   Batch b (blockIdx.z) uses A + b * strideA, B + b * strideB, C + b * strideC, bias + b * strideBias.
// Epilogue, per element: v = alpha * sum + beta * C (C is not read when beta == 0, so NaN there does not
// propagate, as cuBLAS) + bias (bias_mode 0: none, 1: bias[m] per row, 2: bias[n] per column), then
// C = activation_forward(act, v, act_alpha) (activation.cuh; act 0 = identity). C is written (=); with
// beta = 1 and no activation it accumulates (+=), which the backward-filter pass uses.
//
// sgemm_v1_naive: one thread per element of C, 16x16 blocks; the benchmark baseline.
// sgemm_v2_tiled_<ta><tb>[_vec]: 64x64 tile of C per 256-thread block, 4x4 outputs per thread (register
//   blocking), K in steps of 8 through double-buffered shared tiles (one barrier per step: the next tile's
//   global loads are issued before the current tile's FMAs). Each thread loads one 4-element run along the
//   operand's contiguous dimension (threads 0-127 for A, 128-255 for B, warp-uniform). Shared tiles are
//   [k][m] and [k][n] with rows padded to 68 floats: the inner loop reads float4s (broadcast for A, 8
//   consecutive float4s per quarter-warp for B) and the transposing stores of a warp land in 32 distinct
//   banks (rows 4 apart differ by 272 words = 16 banks). No bank conflicts anywhere.
//   _vec: float4 global loads and C accesses. Legal only when A, B, C (and each batch's start) are 16-byte
//   aligned and lda, ldb, ldc are multiples of 4; the launcher checks that at run time. Runs that cross
//   the matrix edge fall back to guarded scalar loads, so any M, N, K works in both variants.
#include "common.cuh"
#include "activation.cuh"

#define GEMM_TILE_M 64
#define GEMM_TILE_N 64
#define GEMM_TILE_K 8
#define GEMM_THREADS 256
#define GEMM_SMEM_STRIDE (GEMM_TILE_M + 4)
#define GEMM_NAIVE_BLOCK 16

#define BIAS_NONE 0
#define BIAS_PER_ROW 1
#define BIAS_PER_COLUMN 2

__device__ __forceinline__ float gemm_epilogue(float sum, float alpha, float beta, const float* c, float bias,
                                               int act, float act_alpha) {
    float v = alpha * sum;
    if (beta != 0.0f) v = fmaf(beta, *c, v);
    return activation_forward(act, v + bias, act_alpha);
}

__device__ __forceinline__ float gemm_bias(const float* bias, int bias_mode, int m, int n) {
    return bias_mode == BIAS_PER_ROW ? bias[m] : bias_mode == BIAS_PER_COLUMN ? bias[n] : 0.0f;
}

extern "C" __global__ void __launch_bounds__(GEMM_NAIVE_BLOCK * GEMM_NAIVE_BLOCK)
sgemm_v1_naive(int transA, int transB, int M, int N, int K, float alpha,
               const float* __restrict__ A, int lda, long long strideA,
               const float* __restrict__ B, int ldb, long long strideB, float beta,
               float* __restrict__ C, int ldc, long long strideC,
               const float* __restrict__ bias, long long strideBias, int bias_mode, int act, float act_alpha) {
    const int n = blockIdx.x * GEMM_NAIVE_BLOCK + threadIdx.x;
    const int m = blockIdx.y * GEMM_NAIVE_BLOCK + threadIdx.y;
    if (m >= M || n >= N) return;
    const long long batch = blockIdx.z;
    A += batch * strideA;
    B += batch * strideB;
    C += batch * strideC;
    if (bias_mode != BIAS_NONE) bias += batch * strideBias;
    float sum = 0.0f;
    for (int k = 0; k < K; k++) {
        const float a = transA ? A[(long long)k * lda + m] : A[(long long)m * lda + k];
        const float b = transB ? B[(long long)n * ldb + k] : B[(long long)k * ldb + n];
        sum = fmaf(a, b, sum);
    }
    float* c = C + (long long)m * ldc + n;
    *c = gemm_epilogue(sum, alpha, beta, c, gemm_bias(bias, bias_mode, m, n), act, act_alpha);
}

// Four consecutive elements base[row * ld + col .. col + 3] of a rows x cols matrix, zero outside it.
template <bool VEC>
__device__ __forceinline__ float4 gemm_load_run(const float* base, int ld, int row, int col, int rows, int cols) {
    float4 v = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    if (row >= rows) return v;
    const float* p = base + (long long)row * ld + col;
    if (VEC && col + 3 < cols) return *reinterpret_cast<const float4*>(p);
    if (col < cols) v.x = p[0];
    if (col + 1 < cols) v.y = p[1];
    if (col + 2 < cols) v.z = p[2];
    if (col + 3 < cols) v.w = p[3];
    return v;
}

// Stores a run into a [k][m or n] shared tile: along a row (the operand's contiguous dimension is m or n), or
// down a column (it is k, so the run is transposed).
template <bool ALONG_K>
__device__ __forceinline__ void gemm_store_run(float (*tile)[GEMM_SMEM_STRIDE], int strided, int contiguous, float4 v) {
    if (ALONG_K) {
        tile[contiguous + 0][strided] = v.x;
        tile[contiguous + 1][strided] = v.y;
        tile[contiguous + 2][strided] = v.z;
        tile[contiguous + 3][strided] = v.w;
    } else {
        *reinterpret_cast<float4*>(&tile[strided][contiguous]) = v;
    }
}

// One operand's share of a K step: the loading thread's run (strided index, contiguous offset) within the tile.
// ALONG_K: the operand is stored with k contiguous (A not transposed, B transposed): 64 rows x 2 runs.
// Otherwise k is the strided dimension: 8 rows x 16 runs.
template <bool ALONG_K>
__device__ __forceinline__ void gemm_run_of(int q, int& strided, int& contiguous) {
    if (ALONG_K) {
        strided = q >> 1;
        contiguous = (q & 1) * 4;
    } else {
        strided = q >> 4;
        contiguous = (q & 15) * 4;
    }
}

template <bool TA, bool TB, bool VEC>
__device__ __forceinline__ void sgemm_tiled(int M, int N, int K, float alpha,
                                            const float* __restrict__ A, int lda, long long strideA,
                                            const float* __restrict__ B, int ldb, long long strideB, float beta,
                                            float* __restrict__ C, int ldc, long long strideC,
                                            const float* __restrict__ bias, long long strideBias, int bias_mode,
                                            int act, float act_alpha) {
    __shared__ __align__(16) float As[2][GEMM_TILE_K][GEMM_SMEM_STRIDE];
    __shared__ __align__(16) float Bs[2][GEMM_TILE_K][GEMM_SMEM_STRIDE];

    const long long batch = blockIdx.z;
    A += batch * strideA;
    B += batch * strideB;
    C += batch * strideC;
    if (bias_mode != BIAS_NONE) bias += batch * strideBias;
    const int m0 = blockIdx.y * GEMM_TILE_M;
    const int n0 = blockIdx.x * GEMM_TILE_N;
    const int tid = threadIdx.x;

    // Loader role: warps 0-3 load A, warps 4-7 load B.
    const bool loads_a = tid < GEMM_THREADS / 2;
    const bool along_k = loads_a ? !TA : TB;
    int strided, contiguous;
    if (loads_a) {
        if (!TA) gemm_run_of<true>(tid & 127, strided, contiguous);
        else gemm_run_of<false>(tid & 127, strided, contiguous);
    } else {
        if (TB) gemm_run_of<true>(tid & 127, strided, contiguous);
        else gemm_run_of<false>(tid & 127, strided, contiguous);
    }
    // The loaded matrix as stored: base, leading dimension, extents, and the tile origin along each axis.
    const float* base = loads_a ? A : B;
    const int ld = loads_a ? lda : ldb;
    const int mn_extent = loads_a ? M : N;
    const int mn0 = loads_a ? m0 : n0;
    const int rows = along_k ? mn_extent : K;
    const int cols = along_k ? K : mn_extent;
    float (*tiles)[GEMM_TILE_K][GEMM_SMEM_STRIDE] = loads_a ? As : Bs;

    // Run at K step `k0`: the stored row/column indices depend on which axis is contiguous.
    auto load = [&](int k0) {
        return along_k ? gemm_load_run<VEC>(base, ld, mn0 + strided, k0 + contiguous, rows, cols)
                       : gemm_load_run<VEC>(base, ld, k0 + strided, mn0 + contiguous, rows, cols);
    };
    auto store = [&](int buffer, float4 v) {
        if (along_k) gemm_store_run<true>(tiles[buffer], strided, contiguous, v);
        else gemm_store_run<false>(tiles[buffer], strided, contiguous, v);
    };

    const int tx = tid % 16, ty = tid / 16;
    float acc[4][4];
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 4; j++) acc[i][j] = 0.0f;

    const int steps = (K + GEMM_TILE_K - 1) / GEMM_TILE_K;
    store(0, load(0));
    __syncthreads();
    for (int step = 0; step < steps; step++) {
        const int current = step & 1;
        const bool more = step + 1 < steps;
        float4 next = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        if (more) next = load((step + 1) * GEMM_TILE_K);
#pragma unroll
        for (int k = 0; k < GEMM_TILE_K; k++) {
            const float4 a = *reinterpret_cast<const float4*>(&As[current][k][ty * 4]);
            const float4 b = *reinterpret_cast<const float4*>(&Bs[current][k][tx * 4]);
            const float av[4] = {a.x, a.y, a.z, a.w};
            const float bv[4] = {b.x, b.y, b.z, b.w};
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
        }
        if (more) store(current ^ 1, next);
        __syncthreads();
    }

    // Epilogue one row at a time, rotating the accumulator rows into acc[0]: a rolled loop keeps a single
    // inlined copy of the activation code per column (16 unrolled copies made the kernel 4x longer), and the
    // rotation keeps acc in registers (indexing it with the loop counter would move it to local memory).
    const int n = n0 + tx * 4;
#pragma unroll 1
    for (int i = 0; i < 4; i++) {
        const int m = m0 + ty * 4 + i;
        if (m >= M) break;
        float* c = C + (long long)m * ldc + n;
        if (VEC && n + 3 < N) {
            float4 prior = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
            if (beta != 0.0f) prior = *reinterpret_cast<const float4*>(c);
            const float4 out = make_float4(
                gemm_epilogue(acc[0][0], alpha, beta, &prior.x, gemm_bias(bias, bias_mode, m, n), act, act_alpha),
                gemm_epilogue(acc[0][1], alpha, beta, &prior.y, gemm_bias(bias, bias_mode, m, n + 1), act, act_alpha),
                gemm_epilogue(acc[0][2], alpha, beta, &prior.z, gemm_bias(bias, bias_mode, m, n + 2), act, act_alpha),
                gemm_epilogue(acc[0][3], alpha, beta, &prior.w, gemm_bias(bias, bias_mode, m, n + 3), act, act_alpha));
            *reinterpret_cast<float4*>(c) = out;
        } else {
#pragma unroll
            for (int j = 0; j < 4; j++) {
                if (n + j < N)
                    c[j] = gemm_epilogue(acc[0][j], alpha, beta, c + j, gemm_bias(bias, bias_mode, m, n + j), act, act_alpha);
            }
        }
#pragma unroll
        for (int r = 0; r < 3; r++)
#pragma unroll
            for (int j = 0; j < 4; j++) acc[r][j] = acc[r + 1][j];
    }
}

#define SGEMM_TILED_KERNEL(NAME, TA, TB, VEC)                                                                   \
    extern "C" __global__ void __launch_bounds__(GEMM_THREADS)                                                 \
    NAME(int M, int N, int K, float alpha, const float* __restrict__ A, int lda, long long strideA,            \
         const float* __restrict__ B, int ldb, long long strideB, float beta, float* __restrict__ C, int ldc,  \
         long long strideC, const float* __restrict__ bias, long long strideBias, int bias_mode, int act,      \
         float act_alpha) {                                                                                    \
        sgemm_tiled<TA, TB, VEC>(M, N, K, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC,     \
                                 bias, strideBias, bias_mode, act, act_alpha);                                 \
    }

SGEMM_TILED_KERNEL(sgemm_v2_tiled_nn, false, false, false)
SGEMM_TILED_KERNEL(sgemm_v2_tiled_nt, false, true, false)
SGEMM_TILED_KERNEL(sgemm_v2_tiled_tn, true, false, false)
SGEMM_TILED_KERNEL(sgemm_v2_tiled_tt, true, true, false)
SGEMM_TILED_KERNEL(sgemm_v2_tiled_nn_vec, false, false, true)
SGEMM_TILED_KERNEL(sgemm_v2_tiled_nt_vec, false, true, true)
SGEMM_TILED_KERNEL(sgemm_v2_tiled_tn_vec, true, false, true)
SGEMM_TILED_KERNEL(sgemm_v2_tiled_tt_vec, true, true, true)
