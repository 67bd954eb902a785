using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>
/// Launchers for kernels/softmax.cu. Logits are [N, K] or [N, K, 1, 1] (softmax over the classes of each image; a
/// spatial softmax over the channels of every pixel is not provided); labels are N int32 class indices on the device. The loss is
/// the mean over the batch, reduced by one block in a fixed order (deterministic).
/// </summary>
public sealed class SoftmaxKernels(KernelLibrary library)
{
    public const string FileName = "softmax.cu";

    /// <summary>SOFTMAX_BLOCK, the __launch_bounds__ of every kernel in the file.</summary>
    public const uint BlockSize = 256;

    private readonly LayerLaunch _launch = new(library, FileName);
    private GpuKernel? _softmax, _crossEntropy, _mean, _backward;

    /// <summary>y = softmax of each row of x (written); y has x's shape.</summary>
    public void Forward(Tensor x, Tensor y)
    {
        const string op = "Softmax.Forward";
        var (rows, cols) = Rows(op, x);
        _launch.Tensor(op, y, nameof(y), x.Shape, $"x: {x.Shape}");
        var args = new KernelArgs();
        args.Add(y.Buffer);
        args.Add(x.Buffer);
        args.Add(rows);
        args.Add(cols);
        _launch.Gpu.Launch(_launch.Kernel(ref _softmax, "softmax_forward"), WarpPerRow(rows), args);
    }

    /// <summary>probs = softmax(logits) (written, kept for the backward), rowLoss[n] = -log probs[n, label[n]] and
    /// loss[0] = the mean of rowLoss. A label outside [0, K) makes its row's loss, and so the mean, NaN.</summary>
    public void CrossEntropyForward(Tensor logits, DeviceBuffer<int> labels, Tensor probs, DeviceBuffer<float> rowLoss,
        DeviceBuffer<float> loss)
    {
        const string op = "SoftmaxCrossEntropy.Forward";
        var (rows, cols) = Rows(op, logits);
        _launch.Tensor(op, probs, nameof(probs), logits.Shape, $"logits: {logits.Shape}");
        _launch.Buffer(op, labels, nameof(labels), rows);
        _launch.Buffer(op, rowLoss, nameof(rowLoss), rows);
        _launch.Buffer(op, loss, nameof(loss), 1);
        var args = new KernelArgs();
        args.Add(probs.Buffer);
        args.Add(rowLoss);
        args.Add(logits.Buffer);
        args.Add(labels);
        args.Add(rows);
        args.Add(cols);
        _launch.Gpu.Launch(_launch.Kernel(ref _crossEntropy, "softmax_cross_entropy_forward"), WarpPerRow(rows), args);

        var meanArgs = new KernelArgs();
        meanArgs.Add(loss);
        meanArgs.Add(rowLoss);
        meanArgs.Add(rows);
        _launch.Gpu.Launch(_launch.Kernel(ref _mean, "loss_mean"), new LaunchConfig(new Dim3(1), new Dim3(BlockSize)), meanArgs);
    }

    /// <summary>dlogits = (probs - onehot(label)) * lossGradient / N (written): the gradient of lossGradient times the
    /// mean loss.</summary>
    public void CrossEntropyBackward(Tensor probs, DeviceBuffer<int> labels, Tensor dlogits, float lossGradient = 1f)
    {
        const string op = "SoftmaxCrossEntropy.Backward";
        var (rows, cols) = Rows(op, probs);
        _launch.Tensor(op, dlogits, nameof(dlogits), probs.Shape, $"probs: {probs.Shape}");
        _launch.Buffer(op, labels, nameof(labels), rows);
        var args = new KernelArgs();
        args.Add(dlogits.Buffer);
        args.Add(probs.Buffer);
        args.Add(labels);
        args.Add(rows);
        args.Add(cols);
        args.Add(lossGradient / rows);
        _launch.Gpu.Launch(_launch.Kernel(ref _backward, "softmax_cross_entropy_backward"), _launch.GridStride(probs.Elements, BlockSize), args);
    }

    private (int Rows, int Cols) Rows(string op, Tensor x)
    {
        var shape = _launch.WithChannels(op, x, nameof(x));
        if (shape.H * shape.W != 1)
            throw new ArgumentException($"{op}: x must be [N, K] or [N, K, 1, 1] (one row of K classes per image), got {shape}", nameof(x));
        return (shape.N, shape.C);
    }

    private LaunchConfig WarpPerRow(int rows) => _launch.GridStride((long)rows * 32, BlockSize);
}
