using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>
/// Launchers for kernels/optimizer.cu: one step of SGD, RMSprop or Adam over a flat parameter buffer (PyTorch's
/// formulas; hyper-parameters are passed as float32). State buffers have the parameters' length and start at zero;
/// one a configuration does not use may be null.
/// </summary>
public sealed class OptimizerKernels(KernelLibrary library)
{
    public const string FileName = "optimizer.cu";

    /// <summary>OPTIMIZER_BLOCK, the __launch_bounds__ of every kernel in the file.</summary>
    public const uint BlockSize = 256;

    private readonly LayerLaunch _launch = new(library, FileName);
    private GpuKernel? _sgd, _rmsprop, _adam;

    /// <summary>SGD step number <paramref name="step"/> (1-based); <paramref name="momentumBuffer"/> is required when
    /// p.Momentum != 0 (step 1 sets it to the gradient, as PyTorch).</summary>
    public void Sgd(DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float>? momentumBuffer,
        SgdParams p, int step)
    {
        const string op = "Sgd.Step";
        ArgumentNullException.ThrowIfNull(p);
        Step(op, step);
        long n = Parameters(op, parameters, gradients);
        State(op, momentumBuffer, nameof(momentumBuffer), n, required: p.Momentum != 0, because: "momentum is not 0"); // a constant: formatting p.Momentum here would allocate per step
        var args = new KernelArgs();
        args.Add(parameters);
        args.Add(momentumBuffer?.Ptr ?? DevicePtr.Null);
        args.Add(gradients);
        args.Add(n);
        args.Add((float)p.LearningRate);
        args.Add((float)p.Momentum);
        args.Add((float)p.Dampening);
        args.Add((float)p.WeightDecay);
        args.Add(p.Nesterov ? 1 : 0);
        args.Add(step == 1 ? 1 : 0);
        Launch(ref _sgd, "sgd_step", n, args);
    }

    /// <summary>RMSprop step; <paramref name="momentumBuffer"/> is required when p.Momentum &gt; 0.</summary>
    public void RmsProp(DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float> squareAverage,
        DeviceBuffer<float>? momentumBuffer, RmsPropParams p)
    {
        const string op = "RmsProp.Step";
        ArgumentNullException.ThrowIfNull(p);
        long n = Parameters(op, parameters, gradients);
        State(op, squareAverage, nameof(squareAverage), n, required: true, because: "RMSprop keeps a square average");
        State(op, momentumBuffer, nameof(momentumBuffer), n, required: p.Momentum > 0, because: "momentum is above 0");
        var args = new KernelArgs();
        args.Add(parameters);
        args.Add(squareAverage);
        args.Add(momentumBuffer?.Ptr ?? DevicePtr.Null);
        args.Add(gradients);
        args.Add(n);
        args.Add((float)p.LearningRate);
        args.Add((float)p.Alpha);
        args.Add((float)p.Epsilon);
        args.Add((float)p.WeightDecay);
        args.Add((float)p.Momentum);
        Launch(ref _rmsprop, "rmsprop_step", n, args);
    }

    /// <summary>Adam step number <paramref name="step"/> (1-based: the bias corrections use it).</summary>
    public void Adam(DeviceBuffer<float> parameters, DeviceBuffer<float> gradients, DeviceBuffer<float> firstMoment,
        DeviceBuffer<float> secondMoment, AdamParams p, int step)
    {
        const string op = "Adam.Step";
        ArgumentNullException.ThrowIfNull(p);
        Step(op, step);
        long n = Parameters(op, parameters, gradients);
        State(op, firstMoment, nameof(firstMoment), n, required: true, because: "Adam keeps two moments");
        State(op, secondMoment, nameof(secondMoment), n, required: true, because: "Adam keeps two moments");
        var args = new KernelArgs();
        args.Add(parameters);
        args.Add(firstMoment);
        args.Add(secondMoment);
        args.Add(gradients);
        args.Add(n);
        args.Add((float)(p.LearningRate / (1 - Math.Pow(p.Beta1, step))));
        args.Add((float)Math.Sqrt(1 - Math.Pow(p.Beta2, step)));
        args.Add((float)p.Beta1);
        args.Add((float)p.Beta2);
        args.Add((float)p.Epsilon);
        args.Add((float)p.WeightDecay);
        Launch(ref _adam, "adam_step", n, args);
    }

    private static void Step(string op, int step)
    {
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, $"{op}: the step number is 1-based, got {step}");
    }

    private long Parameters(string op, DeviceBuffer<float> parameters, DeviceBuffer<float> gradients)
    {
        _launch.Device(op, parameters, nameof(parameters));
        _launch.Buffer(op, gradients, nameof(gradients), parameters.Length);
        return parameters.Length;
    }

    private void State(string op, DeviceBuffer<float>? buffer, string name, long n, bool required, string because)
    {
        if (buffer is null && !required) return;
        if (buffer is null) throw new ArgumentNullException(name, $"{op}: {name} is required ({because})");
        _launch.Buffer(op, buffer, name, n);
    }

    private void Launch(ref GpuKernel? slot, string name, long n, in KernelArgs args)
    {
        if (n == 0) return;
        _launch.Gpu.Launch(_launch.Kernel(ref slot, name), _launch.GridStride(n, BlockSize), args);
    }
}
