// winograd.cu: Winograd F(m x m, 3x3) convolution transforms for m = 2 (alpha = 4) and m = 4 (alpha = 6),
// 3x3 filters, stride 1, any padding, no groups (Lavin & Gray, "Fast Algorithms for Convolutional Neural
// Networks", 2016). The product in between is the strided-batched SGEMM of gemm.cu (alpha^2 GEMMs):
//   U[e][o][i] = (G g G^T)[e]            filter transform: [alpha^2, O, I]   (O outputs, I inputs)
//   V[e][i][p] = (B^T d B)[e]            input transform:  [alpha^2, I, P]   (P = N * tilesH * tilesW)
//   M[e][o][p] = sum_i U[e][o][i] V[e][i][p]                                 (batched GEMM, batch e)
//   y[n][o][th*m + r][tw*m + s] = act((A^T M A)[r][s] + bias[o])           output transform, fused epilogue
// Tile p = (n * tilesH + th) * tilesW + tw covers output rows th*m .. th*m+m-1 and reads the input patch whose
// top-left corner is (th*m - padH, tw*m - padW), zero outside the image. Outputs past the edge are dropped.
// F(4x4,3x3) uses the interpolation points 0, 1, -1, 2, -1/2 and infinity (matrices at Winograd<4>), which keep its
// error within a few times of direct convolution's; Lavin's 0, +-1, +-2 give 2-3.6x its max error (docs/kernels.md).
// Backward data is the same pipeline on dy with the flipped, transposed filter (flip = 1: the filter of
// output o = input channel c and input i = output channel k is w[k][c][2-r][2-s]) and padding 2 - pad.
// Every output is written (=). Launch: 2-D grid, WINOGRAD_BLOCK threads along x over tiles (or filter inputs),
// blockIdx.y over channels; one thread per (channel, tile) so reads of M and writes of V are coalesced.
#include "common.cuh"
#include "activation.cuh"

#define WINOGRAD_BLOCK 128

// The 1-D transforms, hand-factored: the compiler may not reassociate float sums, so shared subexpressions
// (Lavin's, also used by NNPACK) must be written out; this is what keeps the transforms' arithmetic small.
template <int M> struct Winograd;

// F(2,3): B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1],
// A^T = [1 1 1 0; 0 1 -1 -1].
template <> struct Winograd<2> {
    static constexpr int ALPHA = 4;
    __device__ static void input(const float* d, float* v) {
        v[0] = d[0] - d[2];
        v[1] = d[1] + d[2];
        v[2] = d[2] - d[1];
        v[3] = d[1] - d[3];
    }
    __device__ static void filter(const float* g, float* u) {
        const float t = g[0] + g[2];
        u[0] = g[0];
        u[1] = 0.5f * (t + g[1]);
        u[2] = 0.5f * (t - g[1]);
        u[3] = g[2];
    }
    __device__ static void output(const float* m, float* y) {
        y[0] = m[0] + m[1] + m[2];
        y[1] = m[1] - m[2] - m[3];
    }
};

// F(4,3), points 0, 1, -1, 2, -1/2 and infinity: the 0, +-1, +-2, +-1/2 family that Barabasz et al. (2020, "Error
// analysis and improving the accuracy of Winograd convolution for DNNs") found more accurate than Lavin's 0, +-1,
// +-2 (their 0, -1, 1, 1/2, -2 is this set mirrored, p -> -p). Rows of B^T and columns of A^T are rescaled by powers
// of two (exact) so the transforms factor into few operations:
// B^T = [1 3/2 -2 -3/2 1 0; 0 1 5/2 1/2 -1 0; 0 1 1/2 -5/2 1 0; 0 1 2 -1 -2 0; 0 -2 1 2 -1 0; 0 1 3/2 -2 -3/2 1],
// G = [1 0 0; 1/3 1/3 1/3; 1/3 -1/3 1/3; -1/30 -1/15 -2/15; 4/15 -2/15 1/15; 0 0 1],
// A^T = [1 1 1 1 4 0; 0 1 -1 2 -2 0; 0 1 1 4 1 0; 0 1 -1 8 -1/2 1].
template <> struct Winograd<4> {
    static constexpr int ALPHA = 6;
    __device__ static void input(const float* d, float* v) {
        const float e = d[1] - d[3], f = d[2] - d[4];
        v[0] = fmaf(1.5f, e, (d[0] - d[2]) - f);
        v[1] = fmaf(1.5f, d[2] + d[3], e + f);
        v[2] = fmaf(1.5f, d[2] - d[3], e - f);
        v[3] = fmaf(2.0f, f, e);
        v[4] = fmaf(-2.0f, e, f);
        v[5] = fmaf(1.5f, f, (d[5] - d[3]) + e);
    }
    __device__ static void filter(const float* g, float* u) {
        const float t = g[0] + g[2];
        u[0] = g[0];
        u[1] = (t + g[1]) * (1.0f / 3.0f);
        u[2] = (t - g[1]) * (1.0f / 3.0f);
        u[3] = fmaf(4.0f, g[2], fmaf(2.0f, g[1], g[0])) * (-1.0f / 30.0f);
        u[4] = fmaf(4.0f, g[0], fmaf(-2.0f, g[1], g[2])) * (1.0f / 15.0f);
        u[5] = g[2];
    }
    __device__ static void output(const float* m, float* y) {
        const float s = m[1] + m[2], t = m[1] - m[2];
        y[0] = (m[0] + s) + fmaf(4.0f, m[4], m[3]);
        y[1] = fmaf(2.0f, m[3] - m[4], t);
        y[2] = fmaf(4.0f, m[3], s + m[4]);
        y[3] = fmaf(8.0f, m[3], fmaf(-0.5f, m[4], t)) + m[5];
    }
};

// out = L in L^T for the R x S 1-D transform L (a static member of Winograd<M>): L applied to every column of
// `in`, then to every row of the result.
template <int R, int S, typename Transform>
__device__ __forceinline__ void sandwich(const float (&in)[S][S], float (&out)[R][R], Transform L) {
    float t[R][S];
#pragma unroll
    for (int s = 0; s < S; s++) {
        float column[S], transformed[R];
#pragma unroll
        for (int q = 0; q < S; q++) column[q] = in[q][s];
        L(column, transformed);
#pragma unroll
        for (int r = 0; r < R; r++) t[r][s] = transformed[r];
    }
#pragma unroll
    for (int r = 0; r < R; r++) L(t[r], out[r]);
}

// U[e][o][i] for one (o, i): grid (ceil(I / WINOGRAD_BLOCK), O). w is [O][I][3][3], or [I][O][3][3] read
// flipped when flip != 0 (backward data).
template <int M>
__device__ __forceinline__ void filter_transform(float* __restrict__ U, const float* __restrict__ w, int O, int I, int flip) {
    constexpr int ALPHA = Winograd<M>::ALPHA;
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    const int o = blockIdx.y;
    if (i >= I) return;
    const float* src = w + ((flip ? (long long)i * O + o : (long long)o * I + i) * 9);
    float g[3][3];
#pragma unroll
    for (int r = 0; r < 3; r++)
#pragma unroll
        for (int s = 0; s < 3; s++) g[r][s] = flip ? src[(2 - r) * 3 + (2 - s)] : src[r * 3 + s];
    float u[ALPHA][ALPHA];
    sandwich<ALPHA, 3>(g, u, Winograd<M>::filter);
    const long long plane = (long long)O * I;
#pragma unroll
    for (int e = 0; e < ALPHA * ALPHA; e++) U[e * plane + (long long)o * I + i] = u[e / ALPHA][e % ALPHA];
}

// V[e][c][p] for one (c, p): grid (ceil(P / WINOGRAD_BLOCK), C); x is [N][C][H][W].
template <int M>
__device__ __forceinline__ void input_transform(float* __restrict__ V, const float* __restrict__ x, int N, int C, int H,
                                                int W, int padH, int padW, int tilesH, int tilesW) {
    constexpr int ALPHA = Winograd<M>::ALPHA;
    const int P = N * tilesH * tilesW;
    const int p = blockIdx.x * blockDim.x + threadIdx.x;
    const int c = blockIdx.y;
    if (p >= P) return;
    const int tw = p % tilesW;
    const int th = (p / tilesW) % tilesH;
    const int n = p / (tilesW * tilesH);
    const float* plane = x + ((long long)n * C + c) * H * W;
    const int h0 = th * M - padH, w0 = tw * M - padW;
    float d[ALPHA][ALPHA];
#pragma unroll
    for (int r = 0; r < ALPHA; r++)
#pragma unroll
        for (int s = 0; s < ALPHA; s++) {
            const int h = h0 + r, w = w0 + s;
            d[r][s] = (h >= 0 && h < H && w >= 0 && w < W) ? plane[h * W + w] : 0.0f;
        }
    float v[ALPHA][ALPHA];
    sandwich<ALPHA, ALPHA>(d, v, Winograd<M>::input);
    const long long stride = (long long)C * P;
    const long long offset = (long long)c * P + p;
#pragma unroll
    for (int e = 0; e < ALPHA * ALPHA; e++) V[e * stride + offset] = v[e / ALPHA][e % ALPHA];
}

// y[n][k][..] = act(A^T M A + bias[k]) for one (k, p): grid (ceil(P / WINOGRAD_BLOCK), K); bias may be null.
template <int M>
__device__ __forceinline__ void output_transform(float* __restrict__ y, const float* __restrict__ Mx,
                                                 const float* __restrict__ bias, int N, int K, int OH, int OW,
                                                 int tilesH, int tilesW, int act, float act_alpha) {
    constexpr int ALPHA = Winograd<M>::ALPHA;
    const int P = N * tilesH * tilesW;
    const int p = blockIdx.x * blockDim.x + threadIdx.x;
    const int k = blockIdx.y;
    if (p >= P) return;
    const long long stride = (long long)K * P;
    const long long offset = (long long)k * P + p;
    float m[ALPHA][ALPHA];
#pragma unroll
    for (int e = 0; e < ALPHA * ALPHA; e++) m[e / ALPHA][e % ALPHA] = Mx[e * stride + offset];
    float out[M][M];
    sandwich<M, ALPHA>(m, out, Winograd<M>::output);
    const int tw = p % tilesW;
    const int th = (p / tilesW) % tilesH;
    const int n = p / (tilesW * tilesH);
    const float b = bias != nullptr ? bias[k] : 0.0f;
    float* plane = y + ((long long)n * K + k) * OH * OW;
#pragma unroll
    for (int r = 0; r < M; r++)
#pragma unroll
        for (int s = 0; s < M; s++) {
            const int h = th * M + r, w = tw * M + s;
            if (h < OH && w < OW) plane[h * OW + w] = activation_forward(act, out[r][s] + b, act_alpha);
        }
}

#define WINOGRAD_KERNELS(M)                                                                                        \
    extern "C" __global__ void __launch_bounds__(WINOGRAD_BLOCK)                                                  \
    winograd_f##M##x##M##_filter_transform(float* __restrict__ U, const float* __restrict__ w, int O, int I,      \
                                           int flip) {                                                            \
        filter_transform<M>(U, w, O, I, flip);                                                                    \
    }                                                                                                             \
    extern "C" __global__ void __launch_bounds__(WINOGRAD_BLOCK)                                                  \
    winograd_f##M##x##M##_input_transform(float* __restrict__ V, const float* __restrict__ x, int N, int C,       \
                                          int H, int W, int padH, int padW, int tilesH, int tilesW) {             \
        input_transform<M>(V, x, N, C, H, W, padH, padW, tilesH, tilesW);                                         \
    }                                                                                                             \
    extern "C" __global__ void __launch_bounds__(WINOGRAD_BLOCK)                                                  \
    winograd_f##M##x##M##_output_transform(float* __restrict__ y, const float* __restrict__ Mx,                   \
                                           const float* __restrict__ bias, int N, int K, int OH, int OW,          \
                                           int tilesH, int tilesW, int act, float act_alpha) {                    \
        output_transform<M>(y, Mx, bias, N, K, OH, OW, tilesH, tilesW, act, act_alpha);                           \
    }

WINOGRAD_KERNELS(2)
WINOGRAD_KERNELS(4)
