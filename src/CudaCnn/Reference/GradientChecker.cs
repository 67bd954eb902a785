using System.Globalization;

namespace CudaCnn.Reference;

/// <summary>An op under gradient check, over plain float arrays so any backend can be checked through delegates.
/// Forward(inputs, y) writes y; Backward(inputs, dy, grads) gets grads zero-filled by the checker (so both `=` and
/// `+=` backward conventions yield the gradient) and must fill the gradient of every input.</summary>
public sealed record GradientProblem
{
    public required string Name { get; init; }
    public required float[][] Inputs { get; init; }
    public required string[] InputNames { get; init; }
    public required int OutputLength { get; init; }
    public required Action<float[][], float[]> Forward { get; init; }
    public required Action<float[][], float[], float[][]> Backward { get; init; }

    /// <summary>Optional: true where element (input, index) sits within a kink range of a non-differentiable point
    /// (ReLU at 0, a max-pooling near-tie); such points are skipped and counted.</summary>
    public Func<int, int, bool>? NearKink { get; init; }
}

public sealed record GradientMismatch(string Input, int Index, int? Output, double Analytic, double Numeric, double Allowed);

public sealed record GradientCheckResult(string Problem, int Checked, int Skipped, IReadOnlyList<GradientMismatch> Mismatches,
    double WorstFractionOfTolerance)
{
    public bool Passed => Mismatches.Count == 0;

    public string Message
    {
        get
        {
            var text = string.Create(CultureInfo.InvariantCulture,
                $"{Problem}: {Mismatches.Count} of {Checked} checked gradients wrong ({Skipped} skipped near kinks), worst {WorstFractionOfTolerance:G3} x tolerance");
            foreach (var m in Mismatches.Take(10))
                text += string.Create(CultureInfo.InvariantCulture,
                    $"\n  d{(m.Output is { } o ? $"y[{o}]" : "L")}/d{m.Input}[{m.Index}]: analytic {m.Analytic:G6}, numeric {m.Numeric:G6}, allowed {m.Allowed:G3}");
            return text;
        }
    }

    public GradientCheckResult ThrowIfFailed() => Passed ? this : throw new InvalidOperationException(Message);

    public override string ToString() => Message;
}

/// <summary>Caffe's gradient checker: central differences evaluated in double,
/// numeric = (L(x + h) - L(x - h)) / (x+ - x-) with x+ and x- the perturbed float values actually stored;
/// pass when |analytic - numeric| &lt;= Threshold * max(|analytic|, |numeric|, 1).</summary>
public sealed class GradientChecker
{
    /// <param name="step">h, the perturbation (Caffe's usual 1e-3 for float layers).</param>
    /// <param name="threshold">Relative threshold (Caffe's usual 1e-2; float forward noise is ~1e-7 / h).</param>
    /// <param name="seed">Seeds the random output weights of <see cref="Check"/>.</param>
    public GradientChecker(double step = 1e-3, double threshold = 1e-2, ulong seed = 1701)
    {
        if (!(step > 0)) throw new ArgumentOutOfRangeException(nameof(step), step, "GradientChecker: step must be > 0");
        if (!(threshold > 0)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "GradientChecker: threshold must be > 0");
        (Step, Threshold, Seed) = (step, threshold, seed);
    }

    public double Step { get; }
    public double Threshold { get; }
    public ulong Seed { get; }

    /// <summary>True when value lies within range of any of the kinks (helper for <see cref="GradientProblem.NearKink"/>).</summary>
    public static bool NearAny(double value, double range, params ReadOnlySpan<double> kinks)
    {
        foreach (double kink in kinks)
            if (Math.Abs(value - kink) < range) return true;
        return false;
    }

    /// <summary>Checks every input element against the scalar L = sum_j r_j * y_j with seeded random weights r in
    /// [-1, 1): one backward and two forwards per input element.</summary>
    public GradientCheckResult Check(GradientProblem problem)
    {
        var weights = RandomData.Uniform(problem.OutputLength, Seed);
        var analytic = Backward(problem, weights);
        var y = new float[problem.OutputLength];
        var tally = new Tally(problem.Name, Threshold);
        for (int t = 0; t < problem.Inputs.Length; t++)
        {
            var input = problem.Inputs[t];
            for (int i = 0; i < input.Length; i++)
            {
                if (problem.NearKink?.Invoke(t, i) == true) { tally.Skipped++; continue; }
                double numeric = CentralDifference(problem, t, i, y, weights);
                tally.Add(problem.InputNames[t], i, null, analytic[t][i], numeric);
            }
        }
        return tally.Result();
    }

    /// <summary>Checks the whole Jacobian dy_j/dx_i (one backward per output element, two forwards per input element):
    /// for small layers, where a random projection could hide an error that cancels.</summary>
    public GradientCheckResult CheckExhaustive(GradientProblem problem)
    {
        int outputs = problem.OutputLength;
        var rows = new float[outputs][][];
        var unit = new float[outputs];
        for (int j = 0; j < outputs; j++)
        {
            unit[j] = 1;
            rows[j] = Backward(problem, unit);
            unit[j] = 0;
        }
        var yPlus = new float[outputs];
        var yMinus = new float[outputs];
        var tally = new Tally(problem.Name, Threshold);
        for (int t = 0; t < problem.Inputs.Length; t++)
        {
            var input = problem.Inputs[t];
            for (int i = 0; i < input.Length; i++)
            {
                if (problem.NearKink?.Invoke(t, i) == true) { tally.Skipped++; continue; }
                double delta = Perturbed(problem, t, i, yPlus, yMinus);
                for (int j = 0; j < outputs; j++)
                    tally.Add(problem.InputNames[t], i, j, rows[j][t][i], ((double)yPlus[j] - yMinus[j]) / delta);
            }
        }
        return tally.Result();
    }

    /// <summary>For element-wise ops (y_i depends on x_i only; one input, same length as y): perturbs all elements at
    /// once, two forwards and one backward with dy = 1.</summary>
    public GradientCheckResult CheckElementwise(GradientProblem problem)
    {
        if (problem.Inputs.Length != 1 || problem.Inputs[0].Length != problem.OutputLength)
            throw new ArgumentException($"{problem.Name}: element-wise checking needs one input as long as the output " +
                $"({problem.OutputLength}), got {problem.Inputs.Length} inputs of lengths {string.Join(", ", problem.Inputs.Select(x => x.Length))}");
        var x = problem.Inputs[0];
        var ones = new float[x.Length];
        Array.Fill(ones, 1f);
        var analytic = Backward(problem, ones)[0];
        var original = (float[])x.Clone();
        var plus = new float[x.Length];
        var minus = new float[x.Length];
        var yPlus = new float[x.Length];
        var yMinus = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            plus[i] = (float)(original[i] + Step);
            minus[i] = (float)(original[i] - Step);
        }
        try
        {
            Array.Copy(plus, x, x.Length);
            problem.Forward(problem.Inputs, yPlus);
            Array.Copy(minus, x, x.Length);
            problem.Forward(problem.Inputs, yMinus);
        }
        finally
        {
            Array.Copy(original, x, x.Length);
        }
        var tally = new Tally(problem.Name, Threshold);
        for (int i = 0; i < x.Length; i++)
        {
            if (problem.NearKink?.Invoke(0, i) == true) { tally.Skipped++; continue; }
            tally.Add(problem.InputNames[0], i, i, analytic[i], ((double)yPlus[i] - yMinus[i]) / ((double)plus[i] - minus[i]));
        }
        return tally.Result();
    }

    private static float[][] Backward(GradientProblem problem, float[] dy)
    {
        var grads = problem.Inputs.Select(x => new float[x.Length]).ToArray();
        problem.Backward(problem.Inputs, dy, grads);
        return grads;
    }

    private double CentralDifference(GradientProblem problem, int t, int i, float[] y, float[] weights)
    {
        var x = problem.Inputs[t];
        float original = x[i];
        float plus = (float)(original + Step), minus = (float)(original - Step);
        try
        {
            x[i] = plus;
            problem.Forward(problem.Inputs, y);
            double lossPlus = Dot(weights, y);
            x[i] = minus;
            problem.Forward(problem.Inputs, y);
            double lossMinus = Dot(weights, y);
            return (lossPlus - lossMinus) / ((double)plus - minus);
        }
        finally
        {
            x[i] = original;
        }
    }

    /// <summary>Runs forward at x_i + h and x_i - h; returns the actual float difference (x+ - x-).</summary>
    private double Perturbed(GradientProblem problem, int t, int i, float[] yPlus, float[] yMinus)
    {
        var x = problem.Inputs[t];
        float original = x[i];
        float plus = (float)(original + Step), minus = (float)(original - Step);
        try
        {
            x[i] = plus;
            problem.Forward(problem.Inputs, yPlus);
            x[i] = minus;
            problem.Forward(problem.Inputs, yMinus);
            return (double)plus - minus;
        }
        finally
        {
            x[i] = original;
        }
    }

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (double)a[i] * b[i];
        return sum;
    }

    private sealed class Tally(string problem, double threshold)
    {
        private readonly List<GradientMismatch> _mismatches = [];
        private int _checked;
        private double _worst;
        public int Skipped;

        public void Add(string input, int index, int? output, double analytic, double numeric)
        {
            _checked++;
            double allowed = threshold * Math.Max(Math.Max(Math.Abs(analytic), Math.Abs(numeric)), 1.0);
            double error = Math.Abs(analytic - numeric);
            double fraction = double.IsNaN(error) ? double.PositiveInfinity : error / allowed;
            _worst = Math.Max(_worst, fraction);
            if (fraction > 1) _mismatches.Add(new GradientMismatch(input, index, output, analytic, numeric, allowed));
        }

        public GradientCheckResult Result() => new(problem, _checked, Skipped, _mismatches, _worst);
    }
}
