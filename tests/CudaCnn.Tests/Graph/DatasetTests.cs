using System.IO.Compression;
using CudaCnn.Data;

namespace CudaCnn.Tests.Graph;

public class DatasetTests
{
    [Fact]
    public void Reads_gzipped_idx_files_and_normalizes_pixels()
    {
        string dir = Directory.CreateTempSubdirectory("cudacnn-idx").FullName;
        try
        {
            // Two 2x3 images and their labels, in the IDX layout (big-endian header).
            WriteGz(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"),
                [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 255, 0, 0, 0, 0, 51, 51, 51, 51, 51, 51]);
            WriteGz(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), [0, 0, 8, 1, 0, 0, 0, 2, 7, 9]);
            var test = FashionMnist.LoadTest(dir);
            Assert.Equal((2, 1, 2, 3), (test.Count, test.Channels, test.Height, test.Width));
            Assert.Equal([7, 9], test.Labels);
            Assert.Equal((1f - FashionMnist.Mean) / FashionMnist.StandardDeviation, test.Images[1], 6);
            Assert.Equal((0.2f - FashionMnist.Mean) / FashionMnist.StandardDeviation, test.Images[6], 6);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_missing_dataset_says_what_to_install()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.LoadTrain("/nonexistent-cudacnn"));
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains("--data-path", e.Message);
    }

    [Fact]
    public void Gather_upscales_pads_and_repeats_grey_images()
    {
        var data = new Dataset([1, 2, 3, 4, 5, 6, 7, 8], [0, 1], 1, 2, 2, 2);
        var images = new float[1 * 3 * 5 * 5];
        var labels = new int[1];
        data.Gather([1], images, labels, channels: 3, side: 5);
        Assert.Equal(1, labels[0]);
        // Factor 2 (4x4 inside 5x5), no room on the top/left (offset 0), one zero row and column at the end.
        float[] plane =
        [
            5, 5, 6, 6, 0,
            5, 5, 6, 6, 0,
            7, 7, 8, 8, 0,
            7, 7, 8, 8, 0,
            0, 0, 0, 0, 0,
        ];
        for (int c = 0; c < 3; c++) Assert.Equal(plane, images.AsSpan(c * 25, 25).ToArray());
    }

    private static void WriteGz(string path, byte[] bytes)
    {
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        gz.Write(bytes);
    }
}
