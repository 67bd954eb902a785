using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CudaCnn.Native;

/// <summary>
/// The cuDNN legacy (imperative) API subset used as the convolution/layer oracle (native-abi.md §4.5). Every
/// signature is identical in cuDNN 8.9 and 9.x; status values and the version encoding are not (see
/// <see cref="CudnnStatus"/> and <see cref="DecodeVersion"/>). Bound to the shim library (libcudnn.so.9/.8), which
/// dispatches to its sub-libraries. Descriptors and the handle are nint; device data pointers are ulong addresses;
/// alpha/beta are host pointers to float for float tensors.
/// </summary>
internal static unsafe partial class Cudnn
{
    /// <summary>Logical name; the resolver maps it to libcudnn.so.9/.8 / cudnn64_9.dll ...</summary>
    internal const string Library = NativeLibrarySpec.Cudnn;

    // Handle, version, errors.
    [LibraryImport(Library, EntryPoint = "cudnnCreate")]
    internal static partial int Create(out nint handle);

    [LibraryImport(Library, EntryPoint = "cudnnDestroy")]
    internal static partial int Destroy(nint handle);

    [LibraryImport(Library, EntryPoint = "cudnnSetStream")]
    internal static partial int SetStream(nint handle, nint stream);

    [LibraryImport(Library, EntryPoint = "cudnnGetVersion")]
    internal static partial nuint GetVersion();

    [LibraryImport(Library, EntryPoint = "cudnnGetErrorString")]
    internal static partial nint GetErrorString(int status);

    /// <summary>cuDNN 9 only: the last error's detailed message for this thread.</summary>
    [LibraryImport(Library, EntryPoint = "cudnnGetLastErrorString")]
    internal static partial void GetLastErrorString(byte* message, nuint maxSize);

    // Tensor and filter descriptors. Note the argument order: tensors take (format, dataType), filters (dataType, format).
    [LibraryImport(Library, EntryPoint = "cudnnCreateTensorDescriptor")]
    internal static partial int CreateTensorDescriptor(out nint tensorDesc);

    [LibraryImport(Library, EntryPoint = "cudnnSetTensor4dDescriptor")]
    internal static partial int SetTensor4dDescriptor(nint tensorDesc, CudnnTensorFormat format, CudnnDataType dataType, int n, int c, int h, int w);

    [LibraryImport(Library, EntryPoint = "cudnnDestroyTensorDescriptor")]
    internal static partial int DestroyTensorDescriptor(nint tensorDesc);

    [LibraryImport(Library, EntryPoint = "cudnnAddTensor")]
    internal static partial int AddTensor(nint handle, float* alpha, nint aDesc, ulong a, float* beta, nint cDesc, ulong c);

    [LibraryImport(Library, EntryPoint = "cudnnCreateFilterDescriptor")]
    internal static partial int CreateFilterDescriptor(out nint filterDesc);

    [LibraryImport(Library, EntryPoint = "cudnnSetFilter4dDescriptor")]
    internal static partial int SetFilter4dDescriptor(nint filterDesc, CudnnDataType dataType, CudnnTensorFormat format, int k, int c, int h, int w);

    [LibraryImport(Library, EntryPoint = "cudnnDestroyFilterDescriptor")]
    internal static partial int DestroyFilterDescriptor(nint filterDesc);

    // Convolution descriptor.
    [LibraryImport(Library, EntryPoint = "cudnnCreateConvolutionDescriptor")]
    internal static partial int CreateConvolutionDescriptor(out nint convDesc);

    /// <summary>u/v are the vertical/horizontal strides; computeType is the accumulation type.</summary>
    [LibraryImport(Library, EntryPoint = "cudnnSetConvolution2dDescriptor")]
    internal static partial int SetConvolution2dDescriptor(
        nint convDesc, int padH, int padW, int u, int v, int dilationH, int dilationW, CudnnConvolutionMode mode, CudnnDataType computeType);

    [LibraryImport(Library, EntryPoint = "cudnnSetConvolutionMathType")]
    internal static partial int SetConvolutionMathType(nint convDesc, CudnnMathType mathType);

    [LibraryImport(Library, EntryPoint = "cudnnSetConvolutionGroupCount")]
    internal static partial int SetConvolutionGroupCount(nint convDesc, int groupCount);

    [LibraryImport(Library, EntryPoint = "cudnnDestroyConvolutionDescriptor")]
    internal static partial int DestroyConvolutionDescriptor(nint convDesc);

    [LibraryImport(Library, EntryPoint = "cudnnGetConvolution2dForwardOutputDim")]
    internal static partial int GetConvolution2dForwardOutputDim(nint convDesc, nint inputDesc, nint filterDesc, out int n, out int c, out int h, out int w);

    // Convolution forward.
    [LibraryImport(Library, EntryPoint = "cudnnGetConvolutionForwardAlgorithmMaxCount")]
    internal static partial int GetConvolutionForwardAlgorithmMaxCount(nint handle, out int count);

    [LibraryImport(Library, EntryPoint = "cudnnFindConvolutionForwardAlgorithm")]
    internal static partial int FindConvolutionForwardAlgorithm(
        nint handle, nint xDesc, nint wDesc, nint convDesc, nint yDesc, int requestedAlgoCount, out int returnedAlgoCount, CudnnAlgoPerf* perfResults);

    [LibraryImport(Library, EntryPoint = "cudnnGetConvolutionForwardAlgorithm_v7")]
    internal static partial int GetConvolutionForwardAlgorithmV7(
        nint handle, nint xDesc, nint wDesc, nint convDesc, nint yDesc, int requestedAlgoCount, out int returnedAlgoCount, CudnnAlgoPerf* perfResults);

    [LibraryImport(Library, EntryPoint = "cudnnGetConvolutionForwardWorkspaceSize")]
    internal static partial int GetConvolutionForwardWorkspaceSize(
        nint handle, nint xDesc, nint wDesc, nint convDesc, nint yDesc, CudnnConvolutionFwdAlgo algo, out nuint sizeInBytes);

    [LibraryImport(Library, EntryPoint = "cudnnConvolutionForward")]
    internal static partial int ConvolutionForward(
        nint handle, float* alpha, nint xDesc, ulong x, nint wDesc, ulong w, nint convDesc, CudnnConvolutionFwdAlgo algo,
        ulong workSpace, nuint workSpaceSizeInBytes, float* beta, nint yDesc, ulong y);

    // Convolution backward data.
    [LibraryImport(Library, EntryPoint = "cudnnGetConvolutionBackwardDataAlgorithmMaxCount")]
    internal static partial int GetConvolutionBackwardDataAlgorithmMaxCount(nint handle, out int count);

    [LibraryImport(Library, EntryPoint = "cudnnFindConvolutionBackwardDataAlgorithm")]
    internal static partial int FindConvolutionBackwardDataAlgorithm(
        nint handle, nint wDesc, nint dyDesc, nint convDesc, nint dxDesc, int requestedAlgoCount, out int returnedAlgoCount, CudnnAlgoPerf* perfResults);

    [LibraryImport(Library, EntryPoint = "cudnnGetConvolutionBackwardDataAlgorithm_v7")]
    internal static partial int GetConvolutionBackwardDataAlgorithmV7(
        nint handle, nint wDesc, nint dyDesc, nint convDesc, nint dxDesc, int requestedAlgoCount, out int returnedAlgoCount, CudnnAlgoPerf* perfResults);

    [LibraryImport(Library, EntryPoint = "cudnnGetConvolutionBackwardDataWorkspaceSize")]
    internal static partial int GetConvolutionBackwardDataWorkspaceSize(
        nint handle, nint wDesc, nint dyDesc, nint convDesc, nint dxDesc, CudnnConvolutionBwdDataAlgo algo, out nuint sizeInBytes);

    [LibraryImport(Library, EntryPoint = "cudnnConvolutionBackwardData")]
    internal static partial int ConvolutionBackwardData(
        nint handle, float* alpha, nint wDesc, ulong w, nint dyDesc, ulong dy, nint convDesc, CudnnConvolutionBwdDataAlgo algo,
        ulong workSpace, nuint workSpaceSizeInBytes, float* beta, nint dxDesc, ulong dx);

    // Convolution backward filter and bias.
    [LibraryImport(Library, EntryPoint = "cudnnGetConvolutionBackwardFilterAlgorithmMaxCount")]
    internal static partial int GetConvolutionBackwardFilterAlgorithmMaxCount(nint handle, out int count);

    [LibraryImport(Library, EntryPoint = "cudnnFindConvolutionBackwardFilterAlgorithm")]
    internal static partial int FindConvolutionBackwardFilterAlgorithm(
        nint handle, nint xDesc, nint dyDesc, nint convDesc, nint dwDesc, int requestedAlgoCount, out int returnedAlgoCount, CudnnAlgoPerf* perfResults);

    [LibraryImport(Library, EntryPoint = "cudnnGetConvolutionBackwardFilterAlgorithm_v7")]
    internal static partial int GetConvolutionBackwardFilterAlgorithmV7(
        nint handle, nint xDesc, nint dyDesc, nint convDesc, nint dwDesc, int requestedAlgoCount, out int returnedAlgoCount, CudnnAlgoPerf* perfResults);

    [LibraryImport(Library, EntryPoint = "cudnnGetConvolutionBackwardFilterWorkspaceSize")]
    internal static partial int GetConvolutionBackwardFilterWorkspaceSize(
        nint handle, nint xDesc, nint dyDesc, nint convDesc, nint dwDesc, CudnnConvolutionBwdFilterAlgo algo, out nuint sizeInBytes);

    [LibraryImport(Library, EntryPoint = "cudnnConvolutionBackwardFilter")]
    internal static partial int ConvolutionBackwardFilter(
        nint handle, float* alpha, nint xDesc, ulong x, nint dyDesc, ulong dy, nint convDesc, CudnnConvolutionBwdFilterAlgo algo,
        ulong workSpace, nuint workSpaceSizeInBytes, float* beta, nint dwDesc, ulong dw);

    [LibraryImport(Library, EntryPoint = "cudnnConvolutionBackwardBias")]
    internal static partial int ConvolutionBackwardBias(nint handle, float* alpha, nint dyDesc, ulong dy, float* beta, nint dbDesc, ulong db);

    // Pooling.
    [LibraryImport(Library, EntryPoint = "cudnnCreatePoolingDescriptor")]
    internal static partial int CreatePoolingDescriptor(out nint poolingDesc);

    [LibraryImport(Library, EntryPoint = "cudnnSetPooling2dDescriptor")]
    internal static partial int SetPooling2dDescriptor(
        nint poolingDesc, CudnnPoolingMode mode, CudnnNanPropagation maxpoolingNanOpt,
        int windowHeight, int windowWidth, int verticalPadding, int horizontalPadding, int verticalStride, int horizontalStride);

    [LibraryImport(Library, EntryPoint = "cudnnGetPooling2dForwardOutputDim")]
    internal static partial int GetPooling2dForwardOutputDim(nint poolingDesc, nint inputDesc, out int n, out int c, out int h, out int w);

    [LibraryImport(Library, EntryPoint = "cudnnDestroyPoolingDescriptor")]
    internal static partial int DestroyPoolingDescriptor(nint poolingDesc);

    [LibraryImport(Library, EntryPoint = "cudnnPoolingForward")]
    internal static partial int PoolingForward(nint handle, nint poolingDesc, float* alpha, nint xDesc, ulong x, float* beta, nint yDesc, ulong y);

    [LibraryImport(Library, EntryPoint = "cudnnPoolingBackward")]
    internal static partial int PoolingBackward(
        nint handle, nint poolingDesc, float* alpha, nint yDesc, ulong y, nint dyDesc, ulong dy, nint xDesc, ulong x, float* beta, nint dxDesc, ulong dx);

    // Local response normalization (cross-channel).
    [LibraryImport(Library, EntryPoint = "cudnnCreateLRNDescriptor")]
    internal static partial int CreateLRNDescriptor(out nint normDesc);

    [LibraryImport(Library, EntryPoint = "cudnnSetLRNDescriptor")]
    internal static partial int SetLRNDescriptor(nint normDesc, uint lrnN, double lrnAlpha, double lrnBeta, double lrnK);

    [LibraryImport(Library, EntryPoint = "cudnnDestroyLRNDescriptor")]
    internal static partial int DestroyLRNDescriptor(nint normDesc);

    [LibraryImport(Library, EntryPoint = "cudnnLRNCrossChannelForward")]
    internal static partial int LRNCrossChannelForward(
        nint handle, nint normDesc, CudnnLrnMode lrnMode, float* alpha, nint xDesc, ulong x, float* beta, nint yDesc, ulong y);

    [LibraryImport(Library, EntryPoint = "cudnnLRNCrossChannelBackward")]
    internal static partial int LRNCrossChannelBackward(
        nint handle, nint normDesc, CudnnLrnMode lrnMode, float* alpha, nint yDesc, ulong y, nint dyDesc, ulong dy,
        nint xDesc, ulong x, float* beta, nint dxDesc, ulong dx);

    // Activation.
    [LibraryImport(Library, EntryPoint = "cudnnCreateActivationDescriptor")]
    internal static partial int CreateActivationDescriptor(out nint activationDesc);

    [LibraryImport(Library, EntryPoint = "cudnnSetActivationDescriptor")]
    internal static partial int SetActivationDescriptor(nint activationDesc, CudnnActivationMode mode, CudnnNanPropagation reluNanOpt, double coef);

    [LibraryImport(Library, EntryPoint = "cudnnDestroyActivationDescriptor")]
    internal static partial int DestroyActivationDescriptor(nint activationDesc);

    [LibraryImport(Library, EntryPoint = "cudnnActivationForward")]
    internal static partial int ActivationForward(nint handle, nint activationDesc, float* alpha, nint xDesc, ulong x, float* beta, nint yDesc, ulong y);

    [LibraryImport(Library, EntryPoint = "cudnnActivationBackward")]
    internal static partial int ActivationBackward(
        nint handle, nint activationDesc, float* alpha, nint yDesc, ulong y, nint dyDesc, ulong dy, nint xDesc, ulong x, float* beta, nint dxDesc, ulong dx);

    // Dropout: the states and reserve space are device buffers sized by the two queries.
    [LibraryImport(Library, EntryPoint = "cudnnCreateDropoutDescriptor")]
    internal static partial int CreateDropoutDescriptor(out nint dropoutDesc);

    [LibraryImport(Library, EntryPoint = "cudnnDestroyDropoutDescriptor")]
    internal static partial int DestroyDropoutDescriptor(nint dropoutDesc);

    [LibraryImport(Library, EntryPoint = "cudnnDropoutGetStatesSize")]
    internal static partial int DropoutGetStatesSize(nint handle, out nuint sizeInBytes);

    [LibraryImport(Library, EntryPoint = "cudnnDropoutGetReserveSpaceSize")]
    internal static partial int DropoutGetReserveSpaceSize(nint xDesc, out nuint sizeInBytes);

    [LibraryImport(Library, EntryPoint = "cudnnSetDropoutDescriptor")]
    internal static partial int SetDropoutDescriptor(nint dropoutDesc, nint handle, float dropout, ulong states, nuint stateSizeInBytes, ulong seed);

    [LibraryImport(Library, EntryPoint = "cudnnDropoutForward")]
    internal static partial int DropoutForward(
        nint handle, nint dropoutDesc, nint xDesc, ulong x, nint yDesc, ulong y, ulong reserveSpace, nuint reserveSpaceSizeInBytes);

    [LibraryImport(Library, EntryPoint = "cudnnDropoutBackward")]
    internal static partial int DropoutBackward(
        nint handle, nint dropoutDesc, nint dyDesc, ulong dy, nint dxDesc, ulong dx, ulong reserveSpace, nuint reserveSpaceSizeInBytes);

    // Batch normalization.
    [LibraryImport(Library, EntryPoint = "cudnnDeriveBNTensorDescriptor")]
    internal static partial int DeriveBNTensorDescriptor(nint derivedBnDesc, nint xDesc, CudnnBatchNormMode mode);

    [LibraryImport(Library, EntryPoint = "cudnnBatchNormalizationForwardTraining")]
    internal static partial int BatchNormalizationForwardTraining(
        nint handle, CudnnBatchNormMode mode, float* alpha, float* beta, nint xDesc, ulong x, nint yDesc, ulong y,
        nint bnScaleBiasMeanVarDesc, ulong bnScale, ulong bnBias, double exponentialAverageFactor,
        ulong resultRunningMean, ulong resultRunningVariance, double epsilon, ulong resultSaveMean, ulong resultSaveInvVariance);

    [LibraryImport(Library, EntryPoint = "cudnnBatchNormalizationForwardInference")]
    internal static partial int BatchNormalizationForwardInference(
        nint handle, CudnnBatchNormMode mode, float* alpha, float* beta, nint xDesc, ulong x, nint yDesc, ulong y,
        nint bnScaleBiasMeanVarDesc, ulong bnScale, ulong bnBias, ulong estimatedMean, ulong estimatedVariance, double epsilon);

    [LibraryImport(Library, EntryPoint = "cudnnBatchNormalizationBackward")]
    internal static partial int BatchNormalizationBackward(
        nint handle, CudnnBatchNormMode mode, float* alphaDataDiff, float* betaDataDiff, float* alphaParamDiff, float* betaParamDiff,
        nint xDesc, ulong x, nint dyDesc, ulong dy, nint dxDesc, ulong dx, nint dBnScaleBiasDesc, ulong bnScale,
        ulong dBnScaleResult, ulong dBnBiasResult, double epsilon, ulong savedMean, ulong savedInvVariance);

    // Softmax: backward takes y (the forward output) and dy, not x.
    [LibraryImport(Library, EntryPoint = "cudnnSoftmaxForward")]
    internal static partial int SoftmaxForward(
        nint handle, CudnnSoftmaxAlgorithm algo, CudnnSoftmaxMode mode, float* alpha, nint xDesc, ulong x, float* beta, nint yDesc, ulong y);

    [LibraryImport(Library, EntryPoint = "cudnnSoftmaxBackward")]
    internal static partial int SoftmaxBackward(
        nint handle, CudnnSoftmaxAlgorithm algo, CudnnSoftmaxMode mode, float* alpha, nint yDesc, ulong y, nint dyDesc, ulong dy,
        float* beta, nint dxDesc, ulong dx);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Check(int status, string function)
    {
        if (status != CudnnStatus.Success) throw CudaException.FromCudnn(function, status);
    }

    /// <summary>cudnnGetVersion(): cuDNN 9 encodes major×10000 + minor×100 + patch (9.6.0 → 90600), cuDNN 8
    /// major×1000 + minor×100 + patch (8.9.1 → 8901).</summary>
    internal static Version DecodeVersion(nuint version)
    {
        ulong v = version;
        return v >= 10_000
            ? new Version((int)(v / 10000), (int)(v / 100 % 100), (int)(v % 100))
            : new Version((int)(v / 1000), (int)(v / 100 % 10), (int)(v % 100));
    }
}

/// <summary>
/// cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t: the three structs share this 48-byte layout (native-abi.md
/// §4.4); only the enum type of <see cref="Algo"/> differs. Use an entry only when Status is success.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CudnnAlgoPerf
{
    public int Algo;
    public int Status;
    public float TimeMilliseconds;
    public nuint WorkspaceBytes;
    public CudnnDeterminism Determinism;
    public CudnnMathType MathType;
    public int Reserved0, Reserved1, Reserved2;
}
