using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Benchmarking;

/// <summary>
/// Memory-bound kernels (activation, pooling, LRN, batch norm, dropout, optimizers) through <see cref="KernelOps"/>,
/// credited with their compulsory bytes (<see cref="BenchCost.StreamBytes"/>), and the device-to-device copy whose
/// measured bandwidth they are compared with.
/// </summary>
public static class MemoryBenchCases
{
    public const string Suite = "memory";

    /// <summary>Every memory-bound case on an activation of <paramref name="activation"/> (e.g. AlexNet conv1's
    /// output), batch norm on <paramref name="normalized"/>, dropout on <paramref name="features"/> and the
    /// optimizers on a parameter of <paramref name="parameters"/> elements.</summary>
    public static IEnumerable<BenchCase> For(string tag, TensorShape activation, TensorShape normalized, TensorShape features,
        int parameters, long copyBytes)
    {
        long n = activation.Elements;
        var relu = ActivationParams.ReLU;
        yield return Case($"relu.{tag}", "fwd", BenchCost.StreamBytes(n, 2), c =>
        {
            var (x, y) = (c.Filled(activation), c.Filled(activation));
            return new BenchInstance(() => c.Ops.ActivationForward(x, relu, y), x, y);
        });
        yield return Case($"relu.{tag}", "bwd", BenchCost.StreamBytes(n, 3), c =>
        {
            var (dy, x, dx) = (c.Filled(activation), c.Filled(activation), c.Filled(activation));
            return new BenchInstance(() => c.Ops.ActivationBackward(dy, x, relu, dx), dy, x, dx);
        });

        var pool = new Pool2dParams(3, 2);
        var pooled = pool.OutputShape(activation);
        yield return Case($"maxpool3s2.{tag}", "fwd", BenchCost.FloatBytes * (n + 2.0 * pooled.Elements), c =>
        {
            var (x, y) = (c.Filled(activation), c.Filled(pooled));
            var argmax = new DeviceBuffer<int>(c.Gpu, pooled.Elements);
            return new BenchInstance(() => c.Ops.MaxPoolForward(x, pool, y, argmax), x, y, argmax);
        });
        yield return Case($"maxpool3s2.{tag}", "bwd", BenchCost.FloatBytes * (n + 2.0 * pooled.Elements), c =>
        {
            var (x, y, dx) = (c.Filled(activation), c.Filled(pooled), c.Filled(activation));
            var argmax = new DeviceBuffer<int>(c.Gpu, pooled.Elements);
            c.Ops.MaxPoolForward(x, pool, y, argmax); // valid winners for the backward
            return new BenchInstance(() => c.Ops.MaxPoolBackward(y, argmax, pool, dx), x, y, dx, argmax);
        });

        var lrn = new LrnParams();
        yield return Case($"lrn5.{tag}", "fwd", BenchCost.StreamBytes(n, 3), c =>
        {
            var (x, y, scale) = (c.Filled(activation), c.Filled(activation), c.Filled(activation));
            return new BenchInstance(() => c.Ops.LrnForward(x, lrn, y, scale), x, y, scale);
        });
        yield return Case($"lrn5.{tag}", "bwd", BenchCost.StreamBytes(n, 5), c =>
        {
            var (dy, x, y, scale, dx) = (c.Filled(activation), c.Filled(activation), c.Filled(activation), c.Filled(activation, 1f), c.Filled(activation));
            return new BenchInstance(() => c.Ops.LrnBackward(dy, x, y, scale, lrn, dx), dy, x, y, scale, dx);
        });

        foreach (var bn in BatchNorm(normalized)) yield return bn;

        var dropout = new DropoutParams(0.5f, seed: 1);
        yield return Case($"dropout.{TagOf(features)}", "fwd", BenchCost.StreamBytes(features.Elements, 2), c =>
        {
            var (x, y) = (c.Filled(features), c.Filled(features));
            return new BenchInstance(() => c.Ops.DropoutForward(x, dropout, training: true, y), x, y);
        });

        var vector = new TensorShape(parameters);
        var sgd = new SgdParams(0.01, momentum: 0.9);
        yield return Case($"sgd-momentum.{parameters}", "step", BenchCost.StreamBytes(parameters, 5), c =>
        {
            var (p, g, m) = (c.Filled(vector), c.Filled(vector), c.Filled(vector));
            return new BenchInstance(() => c.Ops.SgdStep(p, g, m, sgd, step: 2), p, g, m);
        });
        var adam = new AdamParams();
        yield return Case($"adam.{parameters}", "step", BenchCost.StreamBytes(parameters, 7), c =>
        {
            var (p, g, m, v) = (c.Filled(vector), c.Filled(vector), c.Filled(vector), c.Filled(vector));
            return new BenchInstance(() => c.Ops.AdamStep(p, g, m, v, adam, step: 2), p, g, m, v);
        });

        yield return Copy(copyBytes);
    }

    /// <summary>cuMemcpyDtoD of <paramref name="bytes"/>: read and written once, so 2 x bytes of traffic.</summary>
    public static BenchCase Copy(long bytes) =>
        new(Suite, $"copy.{bytes >> 20}MiB", "device-to-device", 0, 2.0 * bytes, c =>
        {
            var source = new DeviceBuffer<byte>(c.Gpu, bytes);
            var destination = new DeviceBuffer<byte>(c.Gpu, bytes);
            c.Gpu.Fill32(source.Ptr, 0, bytes / 4);
            return new BenchInstance(() => c.Gpu.CopyDeviceToDevice(destination.Ptr, source.Ptr, bytes), source, destination);
        }, Baseline: BaselineKind.Copy);

    private static IEnumerable<BenchCase> BatchNorm(TensorShape x)
    {
        var channel = new TensorShape(x.C);
        var bn = new BatchNormParams();
        string group = $"batchnorm.{TagOf(x)}";
        yield return Case(group, "train-fwd", BenchCost.StreamBytes(x.Elements, 2), c =>
        {
            var (input, y) = (c.Filled(x), c.Filled(x));
            var (gamma, beta, mean, variance, saveMean, saveInvStd) =
                (c.Filled(channel, 1f), c.Filled(channel), c.Filled(channel), c.Filled(channel, 1f), c.Filled(channel), c.Filled(channel));
            return new BenchInstance(() => c.Ops.BatchNormTrainingForward(input, gamma, beta, mean, variance, bn, y, saveMean, saveInvStd),
                input, y, gamma, beta, mean, variance, saveMean, saveInvStd);
        });
        yield return Case(group, "bwd", BenchCost.StreamBytes(x.Elements, 3), c =>
        {
            var (dy, input, dx) = (c.Filled(x), c.Filled(x), c.Filled(x));
            var (gamma, saveMean, saveInvStd, dGamma, dBeta) =
                (c.Filled(channel, 1f), c.Filled(channel), c.Filled(channel, 1f), c.Filled(channel), c.Filled(channel));
            return new BenchInstance(() => c.Ops.BatchNormBackward(dy, input, gamma, saveMean, saveInvStd, dx, dGamma, dBeta),
                dy, input, dx, gamma, saveMean, saveInvStd, dGamma, dBeta);
        });
    }

    private static string TagOf(TensorShape shape) => string.Join("x", shape.ToArray());

    private static BenchCase Case(string group, string direction, double bytes, Func<BenchContext, IBenchInstance> prepare) =>
        new(Suite, $"{group}.{direction}", "ours", 0, bytes, prepare);
}
