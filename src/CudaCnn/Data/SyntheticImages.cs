namespace CudaCnn.Data;

/// <summary>Seeded ImageNet-shaped batches for throughput runs: uniform pixels in [-1, 1) and labels in [0, classes).
/// Random data teaches nothing; it exercises every layer at the real shapes.</summary>
public static class SyntheticImages
{
    public static Dataset Create(int count, int channels, int side, int classes, int seed)
    {
        var random = new Random(seed);
        var images = new float[(long)count * channels * side * side];
        for (long i = 0; i < images.LongLength; i++) images[i] = (float)(2 * random.NextDouble() - 1);
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = random.Next(classes);
        return new Dataset(images, labels, channels, side, side, classes);
    }
}
