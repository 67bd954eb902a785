// optimizer.cu: one optimizer step over a flat parameter buffer (all of a model's parameters, or one tensor).
//
// Math (PyTorch's torch.optim formulas, as the CPU reference and CudaCnn.Ops.*Params state them), per element,
// with g = grad + weightDecay * p:
//   sgd_step:     momentum == 0: p -= lr * g
//                 else buf = firstStep ? g : momentum * buf + (1 - dampening) * g;
//                      p -= lr * (nesterov ? g + momentum * buf : buf)
//   rmsprop_step: v = alpha * v + (1 - alpha) * g^2;  d = g / (sqrt(v) + eps)
//                 momentum > 0: buf = momentum * buf + d, p -= lr * buf;  else p -= lr * d
//   adam_step:    m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g^2
//                 p -= stepSize * m / (sqrt(v) / sqrtBias2 + eps)
//                 stepSize = lr / (1 - beta1^t) and sqrtBias2 = sqrt(1 - beta2^t) come from the host (in double,
//                 rounded to float once), t the 1-based step.
// p, buf, v, m are updated in place; grad is read only. Hyper-parameters arrive as float32.
// Layout: flat buffers of n elements; state buffers (buf, v, m) the same length, zero before the first step
//   (sgd's buf is written on its first step instead); a state buffer a configuration does not use may be null.
// Launch: OPTIMIZER_BLOCK threads, grid-stride over n (grid capped at one wave). Every access is stride-1.
#include "common.cuh"

#define OPTIMIZER_BLOCK 256

extern "C" __global__ void __launch_bounds__(OPTIMIZER_BLOCK)
sgd_step(float* __restrict__ p, float* __restrict__ buf, const float* __restrict__ grad, long long n, float lr,
         float momentum, float dampening, float weightDecay, int nesterov, int firstStep) {
    GRID_STRIDE_LOOP(i, n) {
        const float w = p[i];
        float g = grad[i] + weightDecay * w;
        if (momentum != 0.0f) {
            const float b = firstStep ? g : momentum * buf[i] + (1.0f - dampening) * g;
            buf[i] = b;
            g = nesterov ? g + momentum * b : b;
        }
        p[i] = w - lr * g;
    }
}

extern "C" __global__ void __launch_bounds__(OPTIMIZER_BLOCK)
rmsprop_step(float* __restrict__ p, float* __restrict__ v, float* __restrict__ buf, const float* __restrict__ grad,
             long long n, float lr, float alpha, float eps, float weightDecay, float momentum) {
    GRID_STRIDE_LOOP(i, n) {
        const float w = p[i];
        const float g = grad[i] + weightDecay * w;
        const float avg = alpha * v[i] + (1.0f - alpha) * g * g;
        v[i] = avg;
        float d = g / (sqrtf(avg) + eps);
        if (momentum > 0.0f) {
            d = momentum * buf[i] + d;
            buf[i] = d;
        }
        p[i] = w - lr * d;
    }
}

extern "C" __global__ void __launch_bounds__(OPTIMIZER_BLOCK)
adam_step(float* __restrict__ p, float* __restrict__ m, float* __restrict__ v, const float* __restrict__ grad,
          long long n, float stepSize, float sqrtBias2, float beta1, float beta2, float eps, float weightDecay) {
    GRID_STRIDE_LOOP(i, n) {
        const float w = p[i];
        const float g = grad[i] + weightDecay * w;
        const float m1 = beta1 * m[i] + (1.0f - beta1) * g;
        const float v1 = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = m1;
        v[i] = v1;
        p[i] = w - stepSize * m1 / (sqrtf(v1) / sqrtBias2 + eps);
    }
}
