namespace CudaCnn.Native;

// Values from native-abi.md §4.7: identical in cuDNN 8.9 and 9.x (9.x only adds members).

internal enum CudnnDataType { Float = 0, Double = 1, Half = 2 }

internal enum CudnnTensorFormat { Nchw = 0, Nhwc = 1 }

internal enum CudnnConvolutionMode { Convolution = 0, CrossCorrelation = 1 }

internal enum CudnnConvolutionFwdAlgo
{
    ImplicitGemm = 0, ImplicitPrecompGemm = 1, Gemm = 2, Direct = 3, Fft = 4, FftTiling = 5, Winograd = 6, WinogradNonfused = 7,
}

internal enum CudnnConvolutionBwdDataAlgo { Algo0 = 0, Algo1 = 1, Fft = 2, FftTiling = 3, Winograd = 4, WinogradNonfused = 5 }

internal enum CudnnConvolutionBwdFilterAlgo { Algo0 = 0, Algo1 = 1, Fft = 2, Algo3 = 3, Winograd = 4, WinogradNonfused = 5, FftTiling = 6 }

/// <summary>Fma forbids tensor cores (plain FP32); TensorOp allows TF32 for float convolutions on sm_80+.</summary>
internal enum CudnnMathType { Default = 0, TensorOp = 1, TensorOpAllowConversion = 2, Fma = 3 }

internal enum CudnnPoolingMode { Max = 0, AverageCountIncludePadding = 1, AverageCountExcludePadding = 2, MaxDeterministic = 3 }

internal enum CudnnNanPropagation { NotPropagate = 0, Propagate = 1 }

internal enum CudnnLrnMode { CrossChannelDim1 = 0 }

internal enum CudnnActivationMode { Sigmoid = 0, Relu = 1, Tanh = 2, ClippedRelu = 3, Elu = 4, Identity = 5, Swish = 6 }

internal enum CudnnBatchNormMode { PerActivation = 0, Spatial = 1, SpatialPersistent = 2 }

/// <summary>Fast: plain exp; Accurate: subtracts the max first; Log: log-softmax.</summary>
internal enum CudnnSoftmaxAlgorithm { Fast = 0, Accurate = 1, Log = 2 }

/// <summary>Instance: over C×H×W per image; Channel: over C per (n, h, w).</summary>
internal enum CudnnSoftmaxMode { Instance = 0, Channel = 1 }

internal enum CudnnDeterminism { NonDeterministic = 0, Deterministic = 1 }
