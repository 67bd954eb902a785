using System.Buffers.Binary;
using System.IO.Compression;

namespace CudaCnn.Data;

/// <summary>
/// Fashion-MNIST (Xiao et al. 2017) from its IDX files, gzipped or not: 60,000 training and 10,000 test 28x28 grey
/// images in 10 classes. Pixels are scaled to [0, 1] and normalized with the training set's mean 0.2860 and standard
/// deviation 0.3530. Debian's dataset-fashion-mnist installs the files in <see cref="DefaultDirectory"/>.
/// </summary>
public static class FashionMnist
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";
    public const float Mean = 0.2860f;
    public const float StandardDeviation = 0.3530f;

    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static Dataset LoadTrain(string? directory = null) => Load(directory, "train");
    public static Dataset LoadTest(string? directory = null) => Load(directory, "t10k");

    private static Dataset Load(string? directory, string prefix)
    {
        directory ??= DefaultDirectory;
        string images = Find(directory, $"{prefix}-images-idx3-ubyte");
        string labels = Find(directory, $"{prefix}-labels-idx1-ubyte");
        var (pixels, count, rows, cols) = ReadImages(images);
        var classes = ReadLabels(labels);
        if (classes.Length != count)
            throw new InvalidDataException($"{labels} holds {classes.Length} labels but {images} holds {count} images");
        var values = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) values[i] = (pixels[i] / 255f - Mean) / StandardDeviation;
        return new Dataset(values, classes, 1, rows, cols, 10);
    }

    private static string Find(string directory, string name)
    {
        foreach (var candidate in new[] { Path.Combine(directory, name + ".gz"), Path.Combine(directory, name) })
            if (File.Exists(candidate)) return candidate;
        throw new FileNotFoundException(
            $"Fashion-MNIST: {name}(.gz) is not in {directory}. Install it with `apt-get install dataset-fashion-mnist` " +
            $"(or `./build.sh setup`), or pass --data-path to a folder holding the four IDX files.", name);
    }

    private static byte[] ReadAll(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    internal static (byte[] Pixels, int Count, int Rows, int Cols) ReadImages(string path)
    {
        var data = ReadAll(path);
        RequireMagic(data, 0x00000803, path);
        int count = BigEndian(data, 4), rows = BigEndian(data, 8), cols = BigEndian(data, 12);
        long expected = 16L + (long)count * rows * cols;
        if (data.Length != expected)
            throw new InvalidDataException($"{path}: {count} images of {rows}x{cols} need {expected} bytes, the file has {data.Length}");
        return (data[16..], count, rows, cols);
    }

    internal static int[] ReadLabels(string path)
    {
        var data = ReadAll(path);
        RequireMagic(data, 0x00000801, path);
        int count = BigEndian(data, 4);
        if (data.Length != 8 + count)
            throw new InvalidDataException($"{path}: {count} labels need {8 + count} bytes, the file has {data.Length}");
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = data[8 + i];
        return labels;
    }

    private static void RequireMagic(byte[] data, int magic, string path)
    {
        if (data.Length < 16 && magic == 0x803 || data.Length < 8 || BigEndian(data, 0) != magic)
            throw new InvalidDataException($"{path}: not an IDX file with magic 0x{magic:x8}");
    }

    private static int BigEndian(byte[] data, int offset) => BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(offset, 4));
}
