namespace CudaCnn.Data;

/// <summary>Labeled images in host memory: Images holds Count * Channels * Height * Width floats (NCHW).</summary>
public sealed record Dataset(float[] Images, int[] Labels, int Channels, int Height, int Width, int Classes)
{
    public int Count => Labels.Length;
    public int ImageElements => Channels * Height * Width;

    /// <summary>Copies the images at <paramref name="indices"/> into a batch [n, channels, side, side] and their
    /// labels. Smaller images are upscaled by the largest whole factor that fits (nearest neighbour) and centered with
    /// zero padding; grey images are repeated over the channels (28x28 Fashion-MNIST for 227x227x3 AlexNet: 8x, 1.5
    /// pixels of padding each side). Resizing per batch keeps the dataset at its own size in memory.</summary>
    public void Gather(ReadOnlySpan<int> indices, Span<float> images, Span<int> labels, int channels, int side)
    {
        if (side < Height || side < Width)
            throw new ArgumentOutOfRangeException(nameof(side), side, $"Dataset.Gather: {side} is smaller than the {Height}x{Width} images");
        if (channels != Channels && Channels != 1)
            throw new ArgumentException($"Dataset.Gather: can repeat 1 channel to {channels}, not {Channels}", nameof(channels));
        int size = channels * side * side;
        if (images.Length != indices.Length * size || labels.Length != indices.Length)
            throw new ArgumentException($"Dataset.Gather: {indices.Length} images need {indices.Length * size} floats and {indices.Length} labels, got {images.Length} and {labels.Length}");
        int factor = Math.Min(side / Height, side / Width);
        int top = (side - Height * factor) / 2, left = (side - Width * factor) / 2;
        if (factor > 1 || top > 0 || left > 0) images.Clear();
        for (int i = 0; i < indices.Length; i++)
        {
            labels[i] = Labels[indices[i]];
            for (int c = 0; c < channels; c++)
            {
                var source = Images.AsSpan((indices[i] * Channels + (Channels == 1 ? 0 : c)) * Height * Width, Height * Width);
                var plane = images.Slice((i * channels + c) * side * side, side * side);
                for (int h = 0; h < Height * factor; h++)
                for (int w = 0; w < Width * factor; w++)
                    plane[(top + h) * side + left + w] = source[h / factor * Width + w / factor];
            }
        }
    }
}
