using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>
/// Launchers for kernels/batchnorm.cu: spatial batch normalization over NCHW tensors with per-channel vectors
/// (gamma, beta, running and saved statistics: C elements each). Training forward and backward run one block per
/// channel, or, when that leaves most SMs idle (few channels, large N*H*W), split each channel over
/// <see cref="Chunks"/> blocks in two kernels through a caller-owned workspace of <see cref="WorkspaceElements"/>
/// floats. Reductions use fixed trees, so repeated runs give identical bits. Arguments are checked before any
/// device call.
/// </summary>
public sealed class BatchNormKernels(KernelLibrary library)
{
    public const string FileName = "batchnorm.cu";

    /// <summary>BN_BLOCK, the __launch_bounds__ of every kernel in the file.</summary>
    public const uint BlockSize = 256;

    /// <summary>Blocks the split aims for: 7.8 per SM of an H100 (132 SMs), one wave where 8 blocks of 256 threads
    /// fit per SM, 1.3 for the split kernels ptxas gives 34-40 registers (6 per SM). More blocks would add partials
    /// and reductions, not SMs.</summary>
    public const int TargetBlocks = 1024;

    /// <summary>Fewest values per chunk (16 per thread): below this a block's two reductions outweigh its loads.</summary>
    public const long MinChunkElements = 4096;

    private readonly LayerLaunch _launch = new(library, FileName);
    private GpuKernel? _training, _inference, _backward, _trainingPartials, _trainingApply, _backwardPartials, _backwardApply;

    /// <summary>Blocks per channel for a training forward or backward over <paramref name="shape"/> (NCHW or [N, C]):
    /// enough for C * chunks to reach <see cref="TargetBlocks"/>, with at least <see cref="MinChunkElements"/> values
    /// each; 1 (the single-kernel path) when C alone fills the GPU or a channel is small.</summary>
    public static int Chunks(TensorShape shape) => Split(shape).Chunks;

    /// <summary>Workspace floats <see cref="ForwardTraining"/> and <see cref="Backward"/> need: a (float, float) pair
    /// per channel and chunk, 0 on the single-kernel path.</summary>
    public static long WorkspaceElements(TensorShape shape) => Chunks(shape) is var chunks && chunks > 1 ? 2L * shape.C * chunks : 0;

    /// <summary>Normalizes with the batch statistics: writes y, saveMean and saveInvStd (1 / sqrt(var + eps)), updates
    /// runningMean and runningVar (unbiased) with p.Momentum. Needs N*H*W &gt;= 2 (an unbiased variance) and, when
    /// <see cref="WorkspaceElements"/> is not 0, a workspace at least that long.</summary>
    public void ForwardTraining(Tensor x, DeviceBuffer<float> gamma, DeviceBuffer<float> beta,
        DeviceBuffer<float> runningMean, DeviceBuffer<float> runningVar, BatchNormParams p, Tensor y,
        DeviceBuffer<float> saveMean, DeviceBuffer<float> saveInvStd, DeviceBuffer<float>? workspace = null)
    {
        const string op = "BatchNorm.ForwardTraining";
        ArgumentNullException.ThrowIfNull(p);
        var shape = _launch.WithChannels(op, x, nameof(x));
        _launch.Tensor(op, y, nameof(y), shape, $"x: {shape}");
        ChannelVectors(op, shape, (gamma, nameof(gamma)), (beta, nameof(beta)), (runningMean, nameof(runningMean)),
            (runningVar, nameof(runningVar)), (saveMean, nameof(saveMean)), (saveInvStd, nameof(saveInvStd)));
        long perChannel = (long)shape.N * shape.H * shape.W;
        if (perChannel < 2)
            throw new ArgumentException($"{op}: x {shape} has {perChannel} value per channel; training needs at least 2 for the unbiased running variance", nameof(x));
        var split = Workspace(op, shape, workspace);
        if (split.Chunks > 1)
        {
            ForwardTrainingSplit(x, gamma, beta, runningMean, runningVar, p, y, saveMean, saveInvStd, workspace!, shape, split);
            return;
        }
        var args = new KernelArgs();
        args.Add(y.Buffer);
        args.Add(saveMean);
        args.Add(saveInvStd);
        args.Add(runningMean);
        args.Add(runningVar);
        args.Add(x.Buffer);
        args.Add(gamma);
        args.Add(beta);
        args.Add(shape.N);
        args.Add(shape.C);
        args.Add((long)shape.H * shape.W);
        args.Add((float)p.Epsilon);
        args.Add((float)p.Momentum);
        _launch.Gpu.Launch(_launch.Kernel(ref _training, "batchnorm_forward_training"), PerChannel(shape), args);
    }

    /// <summary>Normalizes with the running statistics: y = gamma * (x - runningMean) / sqrt(runningVar + eps) + beta.</summary>
    public void ForwardInference(Tensor x, DeviceBuffer<float> gamma, DeviceBuffer<float> beta,
        DeviceBuffer<float> runningMean, DeviceBuffer<float> runningVar, BatchNormParams p, Tensor y)
    {
        const string op = "BatchNorm.ForwardInference";
        ArgumentNullException.ThrowIfNull(p);
        var shape = _launch.WithChannels(op, x, nameof(x));
        _launch.Tensor(op, y, nameof(y), shape, $"x: {shape}");
        ChannelVectors(op, shape, (gamma, nameof(gamma)), (beta, nameof(beta)), (runningMean, nameof(runningMean)),
            (runningVar, nameof(runningVar)));
        var args = new KernelArgs();
        args.Add(y.Buffer);
        args.Add(x.Buffer);
        args.Add(gamma);
        args.Add(beta);
        args.Add(runningMean);
        args.Add(runningVar);
        args.Add(shape.Elements);
        args.Add(shape.C);
        args.Add((long)shape.H * shape.W);
        args.Add((float)p.Epsilon);
        _launch.Gpu.Launch(_launch.Kernel(ref _inference, "batchnorm_forward_inference"), _launch.GridStride(shape.Elements, BlockSize), args);
    }

    /// <summary>dx (written), dgamma and dbeta (accumulated) from the statistics the training forward saved; the
    /// workspace as for <see cref="ForwardTraining"/>.</summary>
    public void Backward(Tensor dy, Tensor x, DeviceBuffer<float> gamma, DeviceBuffer<float> saveMean,
        DeviceBuffer<float> saveInvStd, Tensor dx, DeviceBuffer<float> dgamma, DeviceBuffer<float> dbeta,
        DeviceBuffer<float>? workspace = null)
    {
        const string op = "BatchNorm.Backward";
        var shape = _launch.WithChannels(op, x, nameof(x));
        _launch.Tensor(op, dy, nameof(dy), shape, $"x: {shape}");
        _launch.Tensor(op, dx, nameof(dx), shape, $"x: {shape}");
        ChannelVectors(op, shape, (gamma, nameof(gamma)), (saveMean, nameof(saveMean)), (saveInvStd, nameof(saveInvStd)),
            (dgamma, nameof(dgamma)), (dbeta, nameof(dbeta)));
        var split = Workspace(op, shape, workspace);
        if (split.Chunks > 1)
        {
            BackwardSplit(dy, x, gamma, saveMean, saveInvStd, dx, dgamma, dbeta, workspace!, shape, split);
            return;
        }
        var args = new KernelArgs();
        args.Add(dx.Buffer);
        args.Add(dgamma);
        args.Add(dbeta);
        args.Add(dy.Buffer);
        args.Add(x.Buffer);
        args.Add(gamma);
        args.Add(saveMean);
        args.Add(saveInvStd);
        args.Add(shape.N);
        args.Add(shape.C);
        args.Add((long)shape.H * shape.W);
        _launch.Gpu.Launch(_launch.Kernel(ref _backward, "batchnorm_backward"), PerChannel(shape), args);
    }

    private void ForwardTrainingSplit(Tensor x, DeviceBuffer<float> gamma, DeviceBuffer<float> beta,
        DeviceBuffer<float> runningMean, DeviceBuffer<float> runningVar, BatchNormParams p, Tensor y,
        DeviceBuffer<float> saveMean, DeviceBuffer<float> saveInvStd, DeviceBuffer<float> workspace, TensorShape shape, (int Chunks, long Length) split)
    {
        var grid = PerChunk(shape, split.Chunks);
        var partials = new KernelArgs();
        partials.Add(workspace);
        partials.Add(x.Buffer);
        AddGeometry(ref partials, shape, split.Length);
        _launch.Gpu.Launch(_launch.Kernel(ref _trainingPartials, "batchnorm_forward_training_partials"), grid, partials);
        var args = new KernelArgs();
        args.Add(y.Buffer);
        args.Add(saveMean);
        args.Add(saveInvStd);
        args.Add(runningMean);
        args.Add(runningVar);
        args.Add(workspace);
        args.Add(x.Buffer);
        args.Add(gamma);
        args.Add(beta);
        AddGeometry(ref args, shape, split.Length);
        args.Add((float)p.Epsilon);
        args.Add((float)p.Momentum);
        _launch.Gpu.Launch(_launch.Kernel(ref _trainingApply, "batchnorm_forward_training_apply"), grid, args);
    }

    private void BackwardSplit(Tensor dy, Tensor x, DeviceBuffer<float> gamma, DeviceBuffer<float> saveMean,
        DeviceBuffer<float> saveInvStd, Tensor dx, DeviceBuffer<float> dgamma, DeviceBuffer<float> dbeta,
        DeviceBuffer<float> workspace, TensorShape shape, (int Chunks, long Length) split)
    {
        var grid = PerChunk(shape, split.Chunks);
        var partials = new KernelArgs();
        partials.Add(workspace);
        partials.Add(dy.Buffer);
        partials.Add(x.Buffer);
        partials.Add(saveMean);
        partials.Add(saveInvStd);
        AddGeometry(ref partials, shape, split.Length);
        _launch.Gpu.Launch(_launch.Kernel(ref _backwardPartials, "batchnorm_backward_partials"), grid, partials);
        var args = new KernelArgs();
        args.Add(dx.Buffer);
        args.Add(dgamma);
        args.Add(dbeta);
        args.Add(workspace);
        args.Add(dy.Buffer);
        args.Add(x.Buffer);
        args.Add(gamma);
        args.Add(saveMean);
        args.Add(saveInvStd);
        AddGeometry(ref args, shape, split.Length);
        _launch.Gpu.Launch(_launch.Kernel(ref _backwardApply, "batchnorm_backward_apply"), grid, args);
    }

    private static void AddGeometry(ref KernelArgs args, TensorShape shape, long chunkLength)
    {
        args.Add(shape.N);
        args.Add(shape.C);
        args.Add((long)shape.H * shape.W);
        args.Add(chunkLength);
    }

    /// <summary>The shape's split, after checking the workspace it needs (none for one chunk).</summary>
    private (int Chunks, long Length) Workspace(string op, TensorShape shape, DeviceBuffer<float>? workspace)
    {
        var split = Split(shape);
        if (split.Chunks == 1) return split;
        long needed = WorkspaceElements(shape);
        if (workspace is null)
            throw new ArgumentException($"{op}: x {shape} is split into {split.Chunks} chunks per channel and needs a workspace of {needed} floats; got none", nameof(workspace));
        _launch.Device(op, workspace, nameof(workspace));
        if (workspace.Length < needed)
            throw new ArgumentException($"{op}: workspace has {workspace.Length} elements, expected at least {needed} for x {shape}", nameof(workspace));
        return split;
    }

    /// <summary>The chunk count and the values per chunk (a multiple of 32, so that on planes of a multiple of 32
    /// floats every chunk starts on a 128-byte line; the last chunk takes the remainder, none is empty).</summary>
    private static (int Chunks, long Length) Split(TensorShape shape)
    {
        if (shape.C <= 0) return (1, 0); // default(TensorShape): the launchers reject it; callers may ask before they validate
        long perChannel = (long)shape.N * shape.H * shape.W;
        long wanted = Math.Min((TargetBlocks + shape.C - 1) / shape.C, perChannel / MinChunkElements);
        if (wanted <= 1) return (1, perChannel);
        long length = CeilDiv(CeilDiv(perChannel, wanted), 32) * 32;
        return ((int)CeilDiv(perChannel, length), length);
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    private static LaunchConfig PerChannel(TensorShape shape) => new(new Dim3((uint)shape.C), new Dim3(BlockSize));

    private static LaunchConfig PerChunk(TensorShape shape, int chunks) => new(new Dim3((uint)chunks, (uint)shape.C), new Dim3(BlockSize));

    private void ChannelVectors(string op, TensorShape shape, params ReadOnlySpan<(DeviceBuffer<float> Buffer, string Name)> vectors)
    {
        foreach (var (buffer, name) in vectors) _launch.Buffer(op, buffer, name, shape.C);
    }
}
