using CudaCnn.Runtime;

namespace CudaCnn.Reference;

/// <summary>Residual add, flatten, channel concatenation, and the level-1 updates fill, scale and axpy.
/// Add: y = a + b (same shapes); backward splits the gradient: da = dy, db = dy (both written).
/// Flatten: [N, C, H, W] -&gt; [N, C*H*W]; NCHW is already row-major, so the data is unchanged (only the shape).
/// Concat along channels: inputs [N, C_i, H, W] -&gt; y [N, sum C_i, H, W], input i at channel offset sum_{j &lt; i} C_j;
/// backward copies each slice of dy back (written).</summary>
public static class ElementwiseReference
{
    private const string Op = "ElementwiseReference";

    public static void Add(float[] a, float[] b, float[] y)
    {
        ArgumentNullException.ThrowIfNull(a);
        ReferenceChecks.Length(b, a.LongLength, nameof(b), Op);
        ReferenceChecks.Length(y, a.LongLength, nameof(y), Op);
        for (long i = 0; i < a.LongLength; i++) y[i] = a[i] + b[i];
    }

    public static void AddBackward(float[] dy, float[] da, float[] db)
    {
        ArgumentNullException.ThrowIfNull(dy);
        ReferenceChecks.Length(da, dy.LongLength, nameof(da), Op);
        ReferenceChecks.Length(db, dy.LongLength, nameof(db), Op);
        Array.Copy(dy, da, dy.LongLength);
        Array.Copy(dy, db, dy.LongLength);
    }

    public static TensorShape FlattenShape(TensorShape x) => new(x.N, checked((int)(x.Elements / x.N)));

    /// <summary>Concatenates along channels; returns y's shape.</summary>
    public static TensorShape Concat(float[][] inputs, TensorShape[] shapes, float[] y)
    {
        var yShape = ConcatShape(shapes);
        if (inputs.Length != shapes.Length)
            throw new ArgumentException($"{Op}: {inputs.Length} inputs but {shapes.Length} shapes", nameof(inputs));
        for (int i = 0; i < inputs.Length; i++) ReferenceChecks.Length(inputs[i], shapes[i], $"inputs[{i}]", Op);
        ReferenceChecks.Length(y, yShape, nameof(y), Op);
        CopySlices(shapes, yShape, (i, slice, outStart, length) => Array.Copy(inputs[i], slice, y, outStart, length));
        return yShape;
    }

    public static void ConcatBackward(float[] dy, TensorShape[] shapes, float[][] dInputs)
    {
        var yShape = ConcatShape(shapes);
        ReferenceChecks.Length(dy, yShape, nameof(dy), Op);
        if (dInputs.Length != shapes.Length)
            throw new ArgumentException($"{Op}: {dInputs.Length} gradients but {shapes.Length} shapes", nameof(dInputs));
        for (int i = 0; i < dInputs.Length; i++) ReferenceChecks.Length(dInputs[i], shapes[i], $"dInputs[{i}]", Op);
        CopySlices(shapes, yShape, (i, slice, outStart, length) => Array.Copy(dy, outStart, dInputs[i], slice, length));
    }

    public static TensorShape ConcatShape(TensorShape[] shapes)
    {
        if (shapes.Length == 0) throw new ArgumentException($"{Op}: concatenation needs at least one input", nameof(shapes));
        var first = shapes[0];
        int channels = 0;
        foreach (var s in shapes)
        {
            if (s.Rank != 4 || s.N != first.N || s.H != first.H || s.W != first.W)
                throw new ArgumentException($"{Op}: concatenated inputs must be NCHW with equal N, H, W; got {string.Join(", ", shapes)}", nameof(shapes));
            channels += s.C;
        }
        return new TensorShape(first.N, channels, first.H, first.W);
    }

    /// <summary>For each image n and input i: copy(i, start of input i's image n, start of its slice in y, length).</summary>
    private static void CopySlices(TensorShape[] shapes, TensorShape yShape, Action<int, long, long, long> copy)
    {
        long plane = (long)yShape.H * yShape.W;
        for (int n = 0; n < yShape.N; n++)
        {
            long channelOffset = 0;
            for (int i = 0; i < shapes.Length; i++)
            {
                long length = shapes[i].C * plane;
                copy(i, n * length, (n * yShape.C + channelOffset) * plane, length);
                channelOffset += shapes[i].C;
            }
        }
    }

    /// <summary>y[i] = value.</summary>
    public static void Fill(float[] y, float value)
    {
        ArgumentNullException.ThrowIfNull(y);
        Array.Fill(y, value);
    }

    /// <summary>y[i] = alpha * x[i], one float rounding.</summary>
    public static void Scale(float[] x, float alpha, float[] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ReferenceChecks.Length(y, x.LongLength, nameof(y), Op);
        for (long i = 0; i < x.LongLength; i++) y[i] = alpha * x[i];
    }

    /// <summary>y[i] += alpha * x[i], computed in double and rounded once to float.</summary>
    public static void Axpy(float alpha, float[] x, float[] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ReferenceChecks.Length(y, x.LongLength, nameof(y), Op);
        for (long i = 0; i < x.LongLength; i++) y[i] = (float)((double)alpha * x[i] + y[i]);
    }
}
