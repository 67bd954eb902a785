using CudaCnn.Native;
using Microsoft.Win32.SafeHandles;

namespace CudaCnn.Oracle;

/// <summary>
/// A cuDNN descriptor: a host-side object, so releasing it from the finalizer is safe (it never touches the
/// device). Each subclass creates and sets its descriptor from the pure arguments of <see cref="CudnnArgs"/>.
/// </summary>
internal abstract class CudnnDescriptor : SafeHandleZeroOrMinusOneIsInvalid
{
    protected CudnnDescriptor() : base(ownsHandle: true) { }

    public nint Value => IsClosed ? throw new ObjectDisposedException(GetType().Name) : handle;

    /// <summary>Takes ownership of a created descriptor, then runs its setter; a failing setter destroys it.</summary>
    protected void Init(int createStatus, nint created, string createFunction, Func<nint, int> set, string setFunction)
    {
        Cudnn.Check(createStatus, createFunction);
        SetHandle(created);
        try
        {
            Cudnn.Check(set(created), setFunction);
        }
        catch
        {
            Dispose();
            throw;
        }
    }
}

internal sealed class CudnnTensorDescriptor : CudnnDescriptor
{
    public CudnnTensorDescriptor(TensorDescriptorArgs a) =>
        Init(Cudnn.CreateTensorDescriptor(out nint d), d, "cudnnCreateTensorDescriptor",
            h => Cudnn.SetTensor4dDescriptor(h, a.Format, a.DataType, a.N, a.C, a.H, a.W), "cudnnSetTensor4dDescriptor");

    protected override bool ReleaseHandle() => Cudnn.DestroyTensorDescriptor(handle) == CudnnStatus.Success;
}

internal sealed class CudnnFilterDescriptor : CudnnDescriptor
{
    public CudnnFilterDescriptor(FilterDescriptorArgs a) =>
        Init(Cudnn.CreateFilterDescriptor(out nint d), d, "cudnnCreateFilterDescriptor",
            h => Cudnn.SetFilter4dDescriptor(h, a.DataType, a.Format, a.K, a.C, a.H, a.W), "cudnnSetFilter4dDescriptor");

    protected override bool ReleaseHandle() => Cudnn.DestroyFilterDescriptor(handle) == CudnnStatus.Success;
}

internal sealed class CudnnConvolutionDescriptor : CudnnDescriptor
{
    public CudnnConvolutionDescriptor(ConvolutionDescriptorArgs a)
    {
        Init(Cudnn.CreateConvolutionDescriptor(out nint d), d, "cudnnCreateConvolutionDescriptor",
            h => Cudnn.SetConvolution2dDescriptor(h, a.PadH, a.PadW, a.U, a.V, a.DilationH, a.DilationW, a.Mode, a.ComputeType),
            "cudnnSetConvolution2dDescriptor");
        try
        {
            SetMathType(a.MathType);
            Cudnn.Check(Cudnn.SetConvolutionGroupCount(handle, a.GroupCount), "cudnnSetConvolutionGroupCount");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void SetMathType(CudnnMathType math) => Cudnn.Check(Cudnn.SetConvolutionMathType(Value, math), "cudnnSetConvolutionMathType");

    protected override bool ReleaseHandle() => Cudnn.DestroyConvolutionDescriptor(handle) == CudnnStatus.Success;
}

internal sealed class CudnnPoolingDescriptor : CudnnDescriptor
{
    public CudnnPoolingDescriptor(PoolingDescriptorArgs a) =>
        Init(Cudnn.CreatePoolingDescriptor(out nint d), d, "cudnnCreatePoolingDescriptor",
            h => Cudnn.SetPooling2dDescriptor(h, a.Mode, a.NanPropagation, a.WindowH, a.WindowW, a.PadH, a.PadW, a.StrideH, a.StrideW),
            "cudnnSetPooling2dDescriptor");

    protected override bool ReleaseHandle() => Cudnn.DestroyPoolingDescriptor(handle) == CudnnStatus.Success;
}

internal sealed class CudnnLrnDescriptor : CudnnDescriptor
{
    public CudnnLrnDescriptor(LrnDescriptorArgs a) =>
        Init(Cudnn.CreateLRNDescriptor(out nint d), d, "cudnnCreateLRNDescriptor",
            h => Cudnn.SetLRNDescriptor(h, a.N, a.Alpha, a.Beta, a.K), "cudnnSetLRNDescriptor");

    protected override bool ReleaseHandle() => Cudnn.DestroyLRNDescriptor(handle) == CudnnStatus.Success;
}

internal sealed class CudnnActivationDescriptor : CudnnDescriptor
{
    public CudnnActivationDescriptor(ActivationDescriptorArgs a) =>
        Init(Cudnn.CreateActivationDescriptor(out nint d), d, "cudnnCreateActivationDescriptor",
            h => Cudnn.SetActivationDescriptor(h, a.Mode, a.NanPropagation, a.Coef), "cudnnSetActivationDescriptor");

    protected override bool ReleaseHandle() => Cudnn.DestroyActivationDescriptor(handle) == CudnnStatus.Success;
}

/// <summary>Created empty; <see cref="CudnnDropout"/> sets it once its RNG state buffer exists.</summary>
internal sealed class CudnnDropoutDescriptor : CudnnDescriptor
{
    public CudnnDropoutDescriptor()
    {
        Cudnn.Check(Cudnn.CreateDropoutDescriptor(out nint d), "cudnnCreateDropoutDescriptor");
        SetHandle(d);
    }

    protected override bool ReleaseHandle() => Cudnn.DestroyDropoutDescriptor(handle) == CudnnStatus.Success;
}
