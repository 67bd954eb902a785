using CudaCnn.Reference;

namespace CudaCnn.Tests.Reference;

public class GemmReferenceTests
{
    // A = [[1,2,3],[4,5,6]] (2x3), B = [[7,8],[9,10],[11,12]] (3x2): A*B = [[58,64],[139,154]].
    private static readonly float[] A = [1, 2, 3, 4, 5, 6];
    private static readonly float[] AT = [1, 4, 2, 5, 3, 6];
    private static readonly float[] B = [7, 8, 9, 10, 11, 12];
    private static readonly float[] BT = [7, 9, 11, 8, 10, 12];

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void AllFourTransposeCombinations(bool transA, bool transB)
    {
        var c = new float[4];
        GemmReference.Gemm(transA, transB, 2, 2, 3, 1f, transA ? AT : A, transB ? BT : B, 0f, c);
        Assert.Equal([58f, 64, 139, 154], c);
    }

    [Fact]
    public void AlphaAndBetaBlendWithThePriorC()
    {
        float[] c = [1, 2, 3, 4];
        GemmReference.Gemm(false, false, 2, 2, 3, 0.5f, A, B, 2f, c);
        Assert.Equal([31f, 36, 75.5f, 85], c);
    }

    [Fact]
    public void BetaZeroDoesNotReadC()
    {
        float[] c = [float.NaN, float.NaN, float.NaN, float.NaN];
        GemmReference.Gemm(false, false, 2, 2, 3, 1f, A, B, 0f, c);
        Assert.Equal([58f, 64, 139, 154], c);
    }

    [Fact]
    public void StridedBatchedRunsEachMatrixIndependently()
    {
        float[] a = [.. A, .. A.Select(v => -v)];
        var c = new float[8];
        GemmReference.GemmStridedBatched(2, false, false, 2, 2, 3, 1f, a, 6, B, 0, 0f, c, 4);
        Assert.Equal([58f, 64, 139, 154, -58, -64, -139, -154], c);
    }

    [Fact]
    public void TooShortBuffersAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => GemmReference.Gemm(false, false, 2, 2, 3, 1f, A, B, 0f, new float[3]));
        Assert.Contains("c has 3 elements", error.Message);
    }
}
