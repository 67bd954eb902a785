namespace CudaCnn.Sim.Tests.Conformance;

/// <summary>
/// CUDA source of the conformance kernels: one tiny elementwise kernel per instruction form, all with the signature
/// <c>(const A* a, const A* b, const A* c, R* out, int n)</c>. CUDA intrinsics reach the rounding-mode forms the way
/// real code does; inline asm pins the exact PTX where C would be undefined (shift counts >= width, INT_MIN / -1)
/// or where no intrinsic exists (bfind, bfe, bfi, prmt modes, setp variants, f16 and tf32 conversions).
/// Kept as text (not an embedded .cu) because the test project embeds only Kernels/*.cu, which the sim tests own.
/// </summary>
internal static class ConformanceSource
{
    public const string FileName = "conformance.cu";

    public const string Text = Macros + "\n" + Kernels;

    /// <summary>
    /// <c>prmt</c>'s special modes, in a module of their own so that an interpreter that rejects them at load time
    /// still loads the rest.
    /// </summary>
    public const string PrmtModesText = Macros + "\n" + """
        #define ASM_U32_3(name, ins) __device__ unsigned name(unsigned p, unsigned q, unsigned s) { unsigned r; asm(ins " %0, %1, %2, %3;" : "=r"(r) : "r"(p), "r"(q), "r"(s)); return r; } OP(k_##name, unsigned, unsigned, name(x, y, z))
        ASM_U32_3(prmt_f4e, "prmt.b32.f4e")
        ASM_U32_3(prmt_b4e, "prmt.b32.b4e")
        ASM_U32_3(prmt_rc8, "prmt.b32.rc8")
        ASM_U32_3(prmt_ecl, "prmt.b32.ecl")
        ASM_U32_3(prmt_ecr, "prmt.b32.ecr")
        ASM_U32_3(prmt_rc16, "prmt.b32.rc16")
        """;

    /// <summary><c>cvt.rn.f16x2.f32</c> (three operands), in a module of its own for the same reason.</summary>
    public const string F16x2Text = Macros + "\n" + """
        __device__ unsigned f2h2(float hi, float lo) { unsigned r; asm("cvt.rn.f16x2.f32 %0, %1, %2;" : "=r"(r) : "f"(hi), "f"(lo)); return r; }
        OP(cvt_f16x2, float, unsigned, f2h2(x, y))
        """;

    private const string Macros = """
        #define KERNEL(name, A, R) extern "C" __global__ void name(const A* a, const A* b, const A* c, R* out, int n)
        #define BODY(expr) { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) { auto x = a[i]; auto y = b[i]; auto z = c[i]; (void)x; (void)y; (void)z; out[i] = (expr); } }
        #define OP(name, A, R, expr) KERNEL(name, A, R) BODY(expr)
        """;

    private const string Kernels = """

        // ---- f32 arithmetic with explicit rounding -------------------------------------------------------------
        #define FADD(m) __fadd_##m(x, y)
        #define FSUB(m) __fsub_##m(x, y)
        #define FMUL(m) __fmul_##m(x, y)
        #define FDIV(m) __fdiv_##m(x, y)
        #define FFMA(m) __fmaf_##m(x, y, z)
        #define FRCP(m) __frcp_##m(x)
        #define FSQRT(m) __fsqrt_##m(x)
        #define ROUNDED(name, A, R, M) OP(name##_rn, A, R, M(rn)) OP(name##_rz, A, R, M(rz)) OP(name##_rd, A, R, M(rd)) OP(name##_ru, A, R, M(ru))
        ROUNDED(f_add, float, float, FADD)
        ROUNDED(f_sub, float, float, FSUB)
        ROUNDED(f_mul, float, float, FMUL)
        ROUNDED(f_div, float, float, FDIV)
        ROUNDED(f_fma, float, float, FFMA)
        ROUNDED(f_rcp, float, float, FRCP)
        ROUNDED(f_sqrt, float, float, FSQRT)
        OP(f_plain_div, float, float, x / y)
        OP(f_min, float, float, fminf(x, y))
        OP(f_max, float, float, fmaxf(x, y))
        OP(f_saturate, float, float, __saturatef(x))
        OP(f_rint, float, float, rintf(x))
        OP(f_floor, float, float, floorf(x))
        OP(f_ceil, float, float, ceilf(x))
        OP(f_trunc, float, float, truncf(x))
        OP(f_fdividef, float, float, __fdividef(x, y))
        OP(f_rsqrt, float, float, rsqrtf(x))
        OP(f_abs, float, float, fabsf(x))
        OP(f_neg, float, float, -x)
        OP(f_expf, float, float, expf(x))
        OP(f_logf, float, float, logf(x))

        // ---- f64 arithmetic with explicit rounding -------------------------------------------------------------
        #define DADD(m) __dadd_##m(x, y)
        #define DMUL(m) __dmul_##m(x, y)
        #define DDIV(m) __ddiv_##m(x, y)
        #define DFMA(m) __fma_##m(x, y, z)
        #define DSQRT(m) __dsqrt_##m(x)
        #define DRCP(m) __drcp_##m(x)
        ROUNDED(d_add, double, double, DADD)
        ROUNDED(d_mul, double, double, DMUL)
        ROUNDED(d_div, double, double, DDIV)
        ROUNDED(d_fma, double, double, DFMA)
        ROUNDED(d_sqrt, double, double, DSQRT)
        ROUNDED(d_rcp, double, double, DRCP)
        OP(d_min, double, double, fmin(x, y))
        OP(d_max, double, double, fmax(x, y))

        // ---- conversions ---------------------------------------------------------------------------------------
        #define CONV(p, A, R, fn) OP(p##_rn, A, R, fn##_rn(x)) OP(p##_rz, A, R, fn##_rz(x)) OP(p##_rd, A, R, fn##_rd(x)) OP(p##_ru, A, R, fn##_ru(x))
        CONV(f2i, float, int, __float2int)
        CONV(f2u, float, unsigned, __float2uint)
        CONV(f2ll, float, long long, __float2ll)
        CONV(f2ull, float, unsigned long long, __float2ull)
        CONV(d2i, double, int, __double2int)
        CONV(d2u, double, unsigned, __double2uint)
        CONV(d2ll, double, long long, __double2ll)
        CONV(d2ull, double, unsigned long long, __double2ull)
        CONV(i2f, int, float, __int2float)
        CONV(u2f, unsigned, float, __uint2float)
        CONV(ll2f, long long, float, __ll2float)
        CONV(ull2f, unsigned long long, float, __ull2float)
        CONV(ll2d, long long, double, __ll2double)
        CONV(ull2d, unsigned long long, double, __ull2double)
        CONV(d2f, double, float, __double2float)
        OP(f2d, float, double, (double)x)
        __device__ unsigned short f2h_rn(float v) { unsigned short h; asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(v)); return h; }
        __device__ unsigned short f2h_rz(float v) { unsigned short h; asm("cvt.rz.f16.f32 %0, %1;" : "=h"(h) : "f"(v)); return h; }
        __device__ float h2f(unsigned short h) { float v; asm("cvt.f32.f16 %0, %1;" : "=f"(v) : "h"(h)); return v; }
        __device__ unsigned f2tf32(float v) { unsigned r; asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(v)); return r; }
        OP(cvt_f16_rn, float, unsigned, f2h_rn(x))
        OP(cvt_f16_rz, float, unsigned, f2h_rz(x))
        OP(cvt_f16_back, unsigned, float, h2f((unsigned short)x))
        OP(cvt_tf32, float, unsigned, f2tf32(x))

        // ---- approximations (exact PTX via inline asm) --------------------------------------------------------
        #define APPROX(name, ins) __device__ float name(float v) { float r; asm(ins " %0, %1;" : "=f"(r) : "f"(v)); return r; } OP(k_##name, float, float, name(x))
        APPROX(ex2, "ex2.approx.f32")
        APPROX(ex2_ftz, "ex2.approx.ftz.f32")
        APPROX(lg2, "lg2.approx.f32")
        APPROX(lg2_ftz, "lg2.approx.ftz.f32")
        APPROX(rcp_approx_ftz, "rcp.approx.ftz.f32")
        APPROX(sqrt_approx_ftz, "sqrt.approx.ftz.f32")
        APPROX(rsqrt_approx_ftz, "rsqrt.approx.ftz.f32")
        APPROX(sin_approx, "sin.approx.f32")
        APPROX(cos_approx, "cos.approx.f32")
        APPROX(sat_ftz, "cvt.ftz.sat.f32.f32")
        __device__ float fma_rm_ftz(float p, float q, float s) { float r; asm("fma.rm.ftz.f32 %0, %1, %2, %3;" : "=f"(r) : "f"(p), "f"(q), "f"(s)); return r; }
        OP(k_fma_rm_ftz, float, float, fma_rm_ftz(x, y, z))

        // ---- setp: every comparison, ordered and unordered ------------------------------------------------------
        #define SETP(cmp) __device__ unsigned setp_##cmp(float p, float q) { unsigned r; asm("{ .reg .pred t; setp." #cmp ".f32 t, %1, %2; selp.u32 %0, 1, 0, t; }" : "=r"(r) : "f"(p), "f"(q)); return r; } OP(k_setp_##cmp, float, unsigned, setp_##cmp(x, y))
        SETP(eq) SETP(ne) SETP(lt) SETP(le) SETP(gt) SETP(ge) SETP(equ) SETP(neu) SETP(ltu) SETP(leu) SETP(gtu) SETP(geu) SETP(num) SETP(nan)
        __device__ unsigned setp_eq_ftz(float p, float q) { unsigned r; asm("{ .reg .pred t; setp.eq.ftz.f32 t, %1, %2; selp.u32 %0, 1, 0, t; }" : "=r"(r) : "f"(p), "f"(q)); return r; }
        OP(k_setp_eq_ftz, float, unsigned, setp_eq_ftz(x, y))

        // ---- integer arithmetic ------------------------------------------------------------------------------
        OP(i_div, int, int, x / y)
        OP(i_rem, int, int, x % y)
        OP(u_div, unsigned, unsigned, x / y)
        OP(u_rem, unsigned, unsigned, x % y)
        OP(ll_div, long long, long long, x / y)
        OP(ll_rem, long long, long long, x % y)
        OP(ull_div, unsigned long long, unsigned long long, x / y)
        OP(ull_rem, unsigned long long, unsigned long long, x % y)
        __device__ int div_s32(int p, int q) { int r; asm("div.s32 %0, %1, %2;" : "=r"(r) : "r"(p), "r"(q)); return r; }
        __device__ int rem_s32(int p, int q) { int r; asm("rem.s32 %0, %1, %2;" : "=r"(r) : "r"(p), "r"(q)); return r; }
        OP(asm_div_s32, int, int, div_s32(x, y))
        OP(asm_rem_s32, int, int, rem_s32(x, y))
        OP(i_mulhi, int, int, __mulhi(x, y))
        OP(u_mulhi, unsigned, unsigned, __umulhi(x, y))
        OP(ll_mulhi, long long, long long, __mul64hi(x, y))
        OP(ull_mulhi, unsigned long long, unsigned long long, __umul64hi(x, y))
        OP(i_mulwide, int, long long, (long long)x * y)
        OP(i_abs, int, int, abs(x))
        OP(i_sad, int, unsigned, __sad(x, y, (unsigned)z))
        OP(u_sad, unsigned, unsigned, __usad(x, y, z))
        OP(u_brev, unsigned, unsigned, __brev(x))
        OP(ull_brev, unsigned long long, unsigned long long, __brevll(x))
        OP(i_clz, int, int, __clz(x))
        OP(ll_clz, long long, int, __clzll(x))
        OP(u_popc, unsigned, int, __popc(x))
        OP(ull_popc, unsigned long long, int, __popcll(x))
        OP(i_ffs, int, int, __ffs(x))
        OP(ll_ffs, long long, int, __ffsll(x))
        OP(u_byte_perm, unsigned, unsigned, __byte_perm(x, y, z))
        OP(u_funnel_l, unsigned, unsigned, __funnelshift_l(x, y, z))
        OP(u_funnel_r, unsigned, unsigned, __funnelshift_r(x, y, z))
        OP(u_funnel_lc, unsigned, unsigned, __funnelshift_lc(x, y, z))
        OP(u_funnel_rc, unsigned, unsigned, __funnelshift_rc(x, y, z))
        #define ASM_U32(name, ins) __device__ unsigned name(unsigned p, unsigned q) { unsigned r; asm(ins " %0, %1, %2;" : "=r"(r) : "r"(p), "r"(q)); return r; } OP(k_##name, unsigned, unsigned, name(x, y))
        ASM_U32(shl_b32, "shl.b32")
        ASM_U32(shr_u32, "shr.u32")
        ASM_U32(shr_s32, "shr.s32")
        __device__ unsigned long long shl_b64(unsigned long long p, unsigned q) { unsigned long long r; asm("shl.b64 %0, %1, %2;" : "=l"(r) : "l"(p), "r"(q)); return r; }
        __device__ unsigned long long shr_s64(unsigned long long p, unsigned q) { unsigned long long r; asm("shr.s64 %0, %1, %2;" : "=l"(r) : "l"(p), "r"(q)); return r; }
        OP(k_shl_b64, unsigned long long, unsigned long long, shl_b64(x, (unsigned)y))
        OP(k_shr_s64, unsigned long long, unsigned long long, shr_s64(x, (unsigned)y))
        #define ASM_U32_1(name, ins) __device__ unsigned name(unsigned p) { unsigned r; asm(ins " %0, %1;" : "=r"(r) : "r"(p)); return r; } OP(k_##name, unsigned, unsigned, name(x))
        ASM_U32_1(bfind_u32, "bfind.u32")
        ASM_U32_1(bfind_s32, "bfind.s32")
        ASM_U32_1(bfind_shiftamt_u32, "bfind.shiftamt.u32")
        #define ASM_U32_3(name, ins) __device__ unsigned name(unsigned p, unsigned q, unsigned s) { unsigned r; asm(ins " %0, %1, %2, %3;" : "=r"(r) : "r"(p), "r"(q), "r"(s)); return r; } OP(k_##name, unsigned, unsigned, name(x, y, z))
        ASM_U32_3(bfe_u32, "bfe.u32")
        ASM_U32_3(bfe_s32, "bfe.s32")
        ASM_U32_3(prmt_default, "prmt.b32")
        __device__ unsigned bfi_b32(unsigned p, unsigned q, unsigned s) { unsigned r; asm("bfi.b32 %0, %1, %2, %3, %4;" : "=r"(r) : "r"(p), "r"(q), "r"(s & 0xFFFF), "r"(s >> 16)); return r; }
        OP(k_bfi_b32, unsigned, unsigned, bfi_b32(x, y, z))

        // ---- atomics (value semantics; the old value is returned) ----------------------------------------------
        extern "C" __global__ void atom_inc(const unsigned* a, const unsigned* b, const unsigned* c, unsigned* out, int n)
        { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) { out[i] = a[i]; atomicInc(&out[i], b[i]); } }
        extern "C" __global__ void atom_dec(const unsigned* a, const unsigned* b, const unsigned* c, unsigned* out, int n)
        { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) { out[i] = a[i]; atomicDec(&out[i], b[i]); } }
        extern "C" __global__ void atom_add_f32_global(const float* a, const float* b, const float* c, float* out, int n)
        { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) { out[i] = a[i]; atomicAdd(&out[i], b[i]); } }
        extern "C" __global__ void atom_add_f32_shared(const float* a, const float* b, const float* c, float* out, int n)
        {
            __shared__ float s[256];
            int i = blockIdx.x * blockDim.x + threadIdx.x;
            if (i < n) { s[threadIdx.x] = a[i]; atomicAdd(&s[threadIdx.x], b[i]); out[i] = s[threadIdx.x]; }
        }
        """;
}
