using CudaCnn.Kernels;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

/// <summary>ptxas facts of the layer kernel files: no spills and no stack on sm_80 and sm_90, and every kernel's
/// __launch_bounds__ equal to the block size its launcher uses.</summary>
public class LayerKernelReportTests
{
    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);

    public static TheoryData<string, uint, string> Files
    {
        get
        {
            var data = new TheoryData<string, uint, string>();
            foreach (var (file, block) in new (string, uint)[]
            {
                (ActivationKernels.FileName, ActivationKernels.BlockSize), (PoolingKernels.FileName, PoolingKernels.BlockSize),
                (LrnKernels.FileName, LrnKernels.BlockSize), (DropoutKernels.FileName, DropoutKernels.BlockSize),
                (BatchNormKernels.FileName, BatchNormKernels.BlockSize), (SoftmaxKernels.FileName, SoftmaxKernels.BlockSize),
                (OptimizerKernels.FileName, OptimizerKernels.BlockSize), (ConcatKernels.FileName, ConcatKernels.BlockSize),
                (ElementwiseKernels.FileName, ElementwiseKernels.BlockSize),
            })
            {
                data.Add(file, block, "sm_80");
                data.Add(file, block, "sm_90");
            }
            return data;
        }
    }

    [NvrtcTheory]
    [MemberData(nameof(Files))]
    public void No_spills_and_launch_bounds_match_the_launcher(string file, uint blockSize, string arch)
    {
        var module = Compiler.Compile(file, CompileTarget.Parse(arch));
        Assert.NotEmpty(module.Kernels);
        foreach (var kernel in module.Kernels)
        {
            var r = kernel.Resources ?? throw new InvalidOperationException($"{file} {kernel.Name}: no ptxas report for {arch}");
            Assert.True(r.SpillStoreBytes == 0 && r.SpillLoadBytes == 0 && r.StackBytes == 0, $"{file} {kernel.Name} on {arch}: {r}");
            Assert.Equal((int)blockSize, kernel.LaunchBound);
        }
    }
}
