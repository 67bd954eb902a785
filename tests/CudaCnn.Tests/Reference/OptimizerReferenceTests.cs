using CudaCnn.Ops;
using CudaCnn.Reference;

namespace CudaCnn.Tests.Reference;

/// <summary>A few steps of each optimizer on one parameter (p = 1) against values worked by hand from torch.optim's
/// documented update rules.</summary>
public class OptimizerReferenceTests
{
    /// <summary>State is kept in float between steps, so a few float roundings separate it from the double hand values.</summary>
    private const double Precision = 1e-6;

    [Fact]
    public void PlainSgd()
    {
        float[] p = [1];
        OptimizerReference.Sgd(p, [0.5f], null, new SgdParams(0.1), 1);
        Assert.Equal(0.95, p[0], Precision);
    }

    [Fact]
    public void SgdWithMomentumAndWeightDecay()
    {
        // step 1: g = 0.5 + 0.01*1 = 0.51, buf = g, p = 1 - 0.051 = 0.949
        // step 2: g = 0.5 + 0.00949 = 0.50949, buf = 0.9*0.51 + 0.50949 = 0.96849, p = 0.949 - 0.096849 = 0.852151
        var (p, buf) = (new float[] { 1 }, new float[1]);
        var sgd = new SgdParams(0.1, momentum: 0.9, weightDecay: 0.01);
        OptimizerReference.Sgd(p, [0.5f], buf, sgd, 1);
        Assert.Equal((0.949, 0.51), (Math.Round(p[0], 6), Math.Round(buf[0], 6)));
        OptimizerReference.Sgd(p, [0.5f], buf, sgd, 2);
        Assert.Equal(0.852151, p[0], Precision);
        Assert.Equal(0.96849, buf[0], Precision);
    }

    [Fact]
    public void SgdWithNesterov()
    {
        // step 1: buf = 0.51, g = 0.51 + 0.9*0.51 = 0.969, p = 0.9031
        // step 2: g = 0.509031, buf = 0.459 + 0.509031 = 0.968031, g = 0.509031 + 0.8712279 = 1.3802589, p = 0.76507411
        var (p, buf) = (new float[] { 1 }, new float[1]);
        var sgd = new SgdParams(0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true);
        OptimizerReference.Sgd(p, [0.5f], buf, sgd, 1);
        Assert.Equal(0.9031, p[0], Precision);
        OptimizerReference.Sgd(p, [0.5f], buf, sgd, 2);
        Assert.Equal(0.76507411, p[0], Precision);
    }

    [Fact]
    public void SgdDampeningSkipsTheFirstStep()
    {
        // step 1: buf = g = 0.5 (no dampening on the first step), p = 0.95; step 2: buf = 0.45 + 0.5*0.5 = 0.7, p = 0.88
        var (p, buf) = (new float[] { 1 }, new float[1]);
        var sgd = new SgdParams(0.1, momentum: 0.9, dampening: 0.5);
        OptimizerReference.Sgd(p, [0.5f], buf, sgd, 1);
        OptimizerReference.Sgd(p, [0.5f], buf, sgd, 2);
        Assert.Equal(0.88, p[0], Precision);
        Assert.Equal(0.7, buf[0], Precision);
    }

    [Fact]
    public void RmsPropPlain()
    {
        // v = 0.0025, p = 1 - 0.01 * 0.5 / (0.05 + 1e-8); then grads -1 and 0.25.
        float[] p = [1], v = [0];
        var rms = new RmsPropParams(0.01);
        double[] expected = [0.900000019999996, 0.9895323081911337, 0.9675849574904029];
        float[] grads = [0.5f, -1f, 0.25f];
        for (int t = 0; t < 3; t++)
        {
            OptimizerReference.RmsProp(p, [grads[t]], v, null, rms);
            Assert.Equal(expected[t], p[0], Precision);
        }
    }

    [Fact]
    public void RmsPropWithMomentumAndWeightDecay()
    {
        // step 1: g = 0.6, v = 0.0036, d = 0.6 / 0.06 = 10, buf = 10, p = 0.9
        float[] p = [1], v = [0], buf = [0];
        var rms = new RmsPropParams(0.01, weightDecay: 0.1, momentum: 0.9);
        double[] expected = [0.9000000166666638, 0.8936130342905413, 0.8579603900171962];
        float[] grads = [0.5f, -1f, 0.25f];
        for (int t = 0; t < 3; t++)
        {
            OptimizerReference.RmsProp(p, [grads[t]], v, buf, rms);
            Assert.Equal(expected[t], p[0], Precision);
        }
        Assert.Equal(0.012878210912620668, v[0], Precision);
    }

    [Fact]
    public void AdamWithWeightDecay()
    {
        // step 1: g = 0.6, m = 0.06, v = 0.00036; m/(1-0.9) = 0.6, sqrt(v/(1-0.999)) = 0.6: p = 1 - 0.1 = 0.9.
        float[] p = [1], m = [0], v = [0];
        var adam = new AdamParams(0.1, weightDecay: 0.1);
        double[] expected = [0.9000000016666666, 0.9252635194456063, 0.9247305742687094];
        float[] grads = [0.5f, -1f, 0.25f];
        for (int t = 0; t < 3; t++)
        {
            OptimizerReference.Adam(p, [grads[t]], m, v, adam, t + 1);
            Assert.Equal(expected[t], p[0], Precision);
        }
        Assert.Equal(0.00095263520945605, m[0], Precision);
        Assert.Equal(0.001303876561473419, v[0], Precision);
    }

    [Fact]
    public void InvalidHyperParametersAndStepsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new SgdParams(0.1, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamParams(beta1: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsPropParams(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerReference.Adam([1], [1], [0], [0], new AdamParams(), 0));
        var error = Assert.Throws<ArgumentNullException>(() => OptimizerReference.Sgd([1], [1], null, new SgdParams(0.1, momentum: 0.9), 1));
        Assert.Contains("SGD with momentum 0.9 needs a momentum buffer of 1 elements", error.Message);
    }
}
