using CudaCnn.Native;
using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Oracle;

/// <summary>
/// cuDNN dropout for one shape: its RNG state and reserve space (the mask the backward reuses) are owned device
/// buffers. cuDNN's generator is not ours, so only the statistics compare: the dropped fraction, and kept values
/// scaled by 1 / (1 - p). <see cref="DropoutParams.Offset"/> has no cuDNN counterpart; the seed is used.
/// </summary>
public sealed unsafe class CudnnDropout : IDisposable
{
    private readonly CudnnHandle _handle;
    private readonly CudnnDropoutDescriptor _dropout;
    private readonly CudnnTensorDescriptor _tensor;
    private readonly DeviceBuffer<byte> _states, _reserve;

    public CudnnDropout(CudnnHandle handle, TensorShape shape, DropoutParams p)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(p);
        _handle = handle;
        Shape = shape;
        Params = p;
        try
        {
            _tensor = new CudnnTensorDescriptor(CudnnArgs.Tensor(shape));
            _dropout = new CudnnDropoutDescriptor();
            Cudnn.Check(Cudnn.DropoutGetStatesSize(handle.Value, out nuint statesBytes), "cudnnDropoutGetStatesSize");
            Cudnn.Check(Cudnn.DropoutGetReserveSpaceSize(_tensor.Value, out nuint reserveBytes), "cudnnDropoutGetReserveSpaceSize");
            _states = new DeviceBuffer<byte>(handle.Gpu, (long)statesBytes);
            _reserve = new DeviceBuffer<byte>(handle.Gpu, (long)reserveBytes);
            Cudnn.Check(Cudnn.SetDropoutDescriptor(_dropout.Value, handle.Value, p.P, _states.Ptr.Address, statesBytes, p.Seed),
                "cudnnSetDropoutDescriptor");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public TensorShape Shape { get; }
    public DropoutParams Params { get; }

    /// <summary>y = x * mask / (1 - p), written; the mask is kept in the reserve space for <see cref="Backward"/>.</summary>
    public void Forward(Tensor x, Tensor y)
    {
        OracleValidation.Shape("cuDNN dropout forward", _handle.Gpu, x, nameof(x), Shape, "the dropout was built for it");
        OracleValidation.Shape("cuDNN dropout forward", _handle.Gpu, y, nameof(y), Shape, "the dropout was built for it");
        Cudnn.Check(Cudnn.DropoutForward(_handle.Value, _dropout.Value, _tensor.Value, x.Ptr.Address, _tensor.Value, y.Ptr.Address,
            _reserve.Ptr.Address, (nuint)_reserve.Length), "cudnnDropoutForward");
    }

    /// <summary>dx = dy * mask / (1 - p) with the last forward's mask, written.</summary>
    public void Backward(Tensor dy, Tensor dx)
    {
        OracleValidation.Shape("cuDNN dropout backward", _handle.Gpu, dy, nameof(dy), Shape, "the dropout was built for it");
        OracleValidation.Shape("cuDNN dropout backward", _handle.Gpu, dx, nameof(dx), Shape, "the dropout was built for it");
        Cudnn.Check(Cudnn.DropoutBackward(_handle.Value, _dropout.Value, _tensor.Value, dy.Ptr.Address, _tensor.Value, dx.Ptr.Address,
            _reserve.Ptr.Address, (nuint)_reserve.Length), "cudnnDropoutBackward");
    }

    public void Dispose()
    {
        _dropout?.Dispose();
        _tensor?.Dispose();
        _states?.Dispose();
        _reserve?.Dispose();
    }
}
