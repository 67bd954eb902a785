using CudaCnn.Oracle;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Oracle;

/// <summary>
/// Every check of <see cref="OracleCheckCatalog"/> on a real GPU: our kernels, cuDNN or cuBLAS, and the CPU reference
/// on the same inputs. A failure prints which side disagrees with the reference, the worst element of each and the
/// algorithm cuDNN chose. Skipped without a GPU or without the library (see <see cref="OracleRequirement"/>).
/// </summary>
[Collection(OracleGpuCollection.Name)]
public sealed class OracleGpuTests(OracleFixture fixture)
{
    public static TheoryData<string> CudnnChecks => Names(OracleLibrary.Cudnn);
    public static TheoryData<string> CublasChecks => Names(OracleLibrary.Cublas);

    private static TheoryData<string> Names(OracleLibrary library) =>
        [.. OracleCheckCatalog.All.Where(c => c.Library == library).Select(c => c.ToString())];

    [CudnnTheory]
    [MemberData(nameof(CudnnChecks))]
    public void Ours_cudnn_and_the_reference_agree(string check) => Run(check);

    [CublasTheory]
    [MemberData(nameof(CublasChecks))]
    public void Ours_cublas_and_the_reference_agree(string check) => Run(check);

    private void Run(string name)
    {
        var context = fixture.Context;
        try
        {
            var outcome = OracleCheckCatalog.Get(name).Run(context);
            Assert.True(outcome.Passed, $"{name}{Environment.NewLine}{outcome.Describe()}");
        }
        finally
        {
            context.Release();
        }
    }
}
