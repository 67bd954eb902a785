namespace CudaCnn.Data;

/// <summary>Labeled images in host memory: Images holds Count * Channels * Height * Width floats (NCHW).</summary>
public sealed record Dataset(float[] Images, int[] Labels, int Channels, int Height, int Width, int Classes)
{
    public int Count => Labels.Length;
    public int ImageElements => Channels * Height * Width;

    /// <summary>Copies the images at <paramref name="indices"/> into a batch (NCHW) and their labels.</summary>
    public void Gather(ReadOnlySpan<int> indices, Span<float> images, Span<int> labels)
    {
        int size = ImageElements;
        if (images.Length != indices.Length * size || labels.Length != indices.Length)
            throw new ArgumentException($"Dataset.Gather: {indices.Length} indices need {indices.Length * size} floats and {indices.Length} labels, got {images.Length} and {labels.Length}");
        for (int i = 0; i < indices.Length; i++)
        {
            Images.AsSpan(indices[i] * size, size).CopyTo(images.Slice(i * size, size));
            labels[i] = Labels[indices[i]];
        }
    }

    /// <summary>Each image centered on a side x side canvas (zero padding), or nearest-neighbour upscaled when the
    /// side is at least twice the image and <paramref name="upscale"/> is set; grey images repeated over
    /// <paramref name="channels"/> (AlexNet and ResNet want 3).</summary>
    public Dataset Resize(int side, int channels, bool upscale = true)
    {
        if (side < Height || side < Width)
            throw new ArgumentOutOfRangeException(nameof(side), side, $"Dataset.Resize: {side} is smaller than the {Height}x{Width} images");
        if (channels != Channels && Channels != 1)
            throw new ArgumentException($"Dataset.Resize: can repeat 1 channel to {channels}, not {Channels}", nameof(channels));
        int factor = upscale ? Math.Max(1, Math.Min(side / Height, side / Width)) : 1;
        int top = (side - Height * factor) / 2, left = (side - Width * factor) / 2;
        long plane = (long)side * side;
        var output = new float[Count * channels * plane];
        Parallel.For(0, Count, n =>
        {
            for (int c = 0; c < channels; c++)
            for (int h = 0; h < Height * factor; h++)
            for (int w = 0; w < Width * factor; w++)
            {
                int sourceChannel = Channels == 1 ? 0 : c;
                float v = Images[((long)n * Channels + sourceChannel) * Height * Width + h / factor * Width + w / factor];
                output[((long)n * channels + c) * plane + (long)(top + h) * side + left + w] = v;
            }
        });
        return new Dataset(output, Labels, channels, side, side, Classes);
    }
}
