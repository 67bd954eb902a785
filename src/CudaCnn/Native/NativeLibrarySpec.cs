namespace CudaCnn.Native;

/// <summary>The operating-system family whose file names and folders a probe uses.</summary>
public enum NativePlatform
{
    Linux,
    Windows,
}

/// <summary>
/// One file a logical library can be loaded from, with the sibling libraries it needs loaded first
/// (cuBLAS needs cuBLASLt; the cuDNN 9 shim loads its sub-libraries by name).
/// </summary>
internal sealed record LibraryFile(string Name, params string[] Dependencies);

/// <summary>
/// Everything the probe knows about one logical library (the name used in [LibraryImport]): its file names
/// newest first, the override variable, the pip wheel folders and what to tell a user who lacks it.
/// File names and folders are those of native-abi.md sections 1.1, 2.3, 2.4, 3.3 and 4.1.
/// </summary>
internal sealed record NativeLibrarySpec(
    string Name,
    string OverrideVariable,
    LibraryFile[] LinuxFiles,
    LibraryFile[] WindowsFiles,
    string[] LinuxPipFolders,
    string[] WindowsPipFolders,
    bool SearchCudaPath,
    string InstallHint)
{
    public const string Nvrtc = "nvrtc";
    public const string CudaDriver = "cuda";
    public const string Cublas = "cublas";
    public const string Cudnn = "cudnn";

    public IReadOnlyList<LibraryFile> Files(NativePlatform platform) =>
        platform == NativePlatform.Windows ? WindowsFiles : LinuxFiles;

    public IReadOnlyList<string> PipFolders(NativePlatform platform) =>
        platform == NativePlatform.Windows ? WindowsPipFolders : LinuxPipFolders;

    public static readonly IReadOnlyList<NativeLibrarySpec> All =
    [
        new(Nvrtc, "CUDACNN_NVRTC_PATH",
            LinuxFiles: [new("libnvrtc.so.13"), new("libnvrtc.so.12"), new("libnvrtc.so.11.2"), new("libnvrtc.so.11.1"), new("libnvrtc.so.11.0")],
            WindowsFiles: [new("nvrtc64_130_0.dll"), new("nvrtc64_120_0.dll"), new("nvrtc64_112_0.dll"), new("nvrtc64_111_0.dll"), new("nvrtc64_110_0.dll")],
            LinuxPipFolders: ["nvidia/cu13/lib", "nvidia/cuda_nvrtc/lib"],
            WindowsPipFolders: ["nvidia/cu13/bin/x86_64", "nvidia/cuda_nvrtc/bin"],
            SearchCudaPath: true,
            InstallHint: "Debian: apt-get install libnvrtc11.2 (non-free component); Ubuntu/NVIDIA repository: cuda-nvrtc-12-x; " +
                         "pip: pip install nvidia-cuda-nvrtc-cu12; Windows: the CUDA toolkit (sets CUDA_PATH); " +
                         "or set CUDACNN_NVRTC_PATH to the library file"),

        // The driver comes with the GPU driver, never from a toolkit or a wheel (the toolkit's stubs/libcuda.so
        // only returns CUDA_ERROR_STUB_LIBRARY), so only the system loader is asked.
        new(CudaDriver, "CUDACNN_CUDA_DRIVER_PATH",
            LinuxFiles: [new("libcuda.so.1")],
            WindowsFiles: [new("nvcuda.dll")],
            LinuxPipFolders: [],
            WindowsPipFolders: [],
            SearchCudaPath: false,
            InstallHint: "install the NVIDIA GPU driver (it provides libcuda.so.1 / nvcuda.dll; the CUDA toolkit's stub does not count), " +
                         "or set CUDACNN_CUDA_DRIVER_PATH to the driver library; without a GPU use the software GPU"),

        new(Cublas, "CUDACNN_CUBLAS_PATH",
            LinuxFiles: [new("libcublas.so.13", "libcublasLt.so.13"), new("libcublas.so.12", "libcublasLt.so.12"), new("libcublas.so.11", "libcublasLt.so.11")],
            WindowsFiles: [new("cublas64_13.dll", "cublasLt64_13.dll"), new("cublas64_12.dll", "cublasLt64_12.dll"), new("cublas64_11.dll", "cublasLt64_11.dll")],
            LinuxPipFolders: ["nvidia/cu13/lib", "nvidia/cublas/lib"],
            WindowsPipFolders: ["nvidia/cu13/bin/x86_64", "nvidia/cublas/bin"],
            SearchCudaPath: true,
            InstallHint: "Debian: apt-get install libcublas11 (non-free component); pip: pip install nvidia-cublas-cu12; " +
                         "Windows: the CUDA toolkit (sets CUDA_PATH); or set CUDACNN_CUBLAS_PATH to the library file"),

        new(Cudnn, "CUDACNN_CUDNN_PATH",
            LinuxFiles: [new("libcudnn.so.9", "libcudnn_graph.so.9", "libcudnn_ops.so.9", "libcudnn_cnn.so.9"), new("libcudnn.so.8")],
            WindowsFiles: [new("cudnn64_9.dll", "cudnn_graph64_9.dll", "cudnn_ops64_9.dll", "cudnn_cnn64_9.dll"), new("cudnn64_8.dll")],
            LinuxPipFolders: ["nvidia/cudnn/lib"],
            WindowsPipFolders: ["nvidia/cudnn/bin"],
            SearchCudaPath: true,
            InstallHint: "pip: pip install nvidia-cudnn-cu12; NVIDIA repository: libcudnn9-cuda-12; " +
                         "or set CUDACNN_CUDNN_PATH to the cuDNN shim library (libcudnn.so.9 / cudnn64_9.dll)"),
    ];

    public static NativeLibrarySpec Get(string name) =>
        All.FirstOrDefault(spec => spec.Name == name)
        ?? throw new ArgumentException($"unknown native library '{name}'; expected one of {string.Join(", ", All.Select(s => s.Name))}", nameof(name));
}
