// activation.cuh: the element-wise activations, forward and derivative, as device functions. Shared by
// activation.cu and by any kernel that fuses an activation into its epilogue (convolution, GEMM).
//
// Definitions (the CPU reference's, CudaCnn.Ops.ActivationKind; the codes below are that enum's values):
//   identity   f(x) = x                                   f'(x) = 1
//   relu       f(x) = max(x, 0)                           f'(x) = x > 0 ? 1 : 0
//   leaky relu f(x) = x > 0 ? x : alpha * x               f'(x) = x > 0 ? 1 : alpha
//   elu        f(x) = x > 0 ? x : alpha * (exp(x) - 1)    f'(x) = x > 0 ? 1 : alpha * exp(x)
//   tanh       f(x) = tanh(x)                             f'(x) = 1 - tanh(x)^2
//   sigmoid    f(x) = 1 / (1 + exp(-x))                   f'(x) = s * (1 - s), s = f(x)
// At x = 0 every kind takes its x <= 0 branch (as PyTorch). The derivative is a function of the forward
// input x, so a backward pass needs only x and dy. A NaN input gives NaN except for relu (0, the `x > 0`
// test fails) and leaky relu/elu (their x <= 0 branch, which propagates the NaN).
#pragma once

#define ACT_IDENTITY 0
#define ACT_RELU 1
#define ACT_LEAKY_RELU 2
#define ACT_ELU 3
#define ACT_TANH 4
#define ACT_SIGMOID 5

__device__ __forceinline__ float activation_sigmoid(float x) {
    return 1.0f / (1.0f + expf(-x));
}

// f(x) for activation `kind` (ACT_*); alpha is leaky relu's negative slope or elu's scale.
__device__ __forceinline__ float activation_forward(int kind, float x, float alpha) {
    switch (kind) {
        case ACT_RELU: return x > 0.0f ? x : 0.0f;
        case ACT_LEAKY_RELU: return x > 0.0f ? x : alpha * x;
        case ACT_ELU: return x > 0.0f ? x : alpha * expm1f(x);
        case ACT_TANH: return tanhf(x);
        case ACT_SIGMOID: return activation_sigmoid(x);
        default: return x;
    }
}

// f'(x) for activation `kind`, from the forward input x.
__device__ __forceinline__ float activation_derivative(int kind, float x, float alpha) {
    switch (kind) {
        case ACT_RELU: return x > 0.0f ? 1.0f : 0.0f;
        case ACT_LEAKY_RELU: return x > 0.0f ? 1.0f : alpha;
        case ACT_ELU: return x > 0.0f ? 1.0f : alpha * expf(x);
        case ACT_TANH: {
            const float t = tanhf(x);
            return 1.0f - t * t;
        }
        case ACT_SIGMOID: {
            const float s = activation_sigmoid(x);
            return s * (1.0f - s);
        }
        default: return 1.0f;
    }
}
