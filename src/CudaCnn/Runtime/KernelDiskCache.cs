using System.Security.Cryptography;
using System.Text;

namespace CudaCnn.Runtime;

/// <summary>What a cache entry holds: enough to rebuild a <see cref="CompiledModule"/> without NVRTC.</summary>
internal sealed record CachedCompilation(byte[] Image, string Ptx, string Log);

/// <summary>
/// Compiled kernels on disk, one file per key. Writes are atomic (temp file, then rename), so a reader sees a
/// whole entry or none; an entry that fails its checksum or cannot be parsed reads as a miss, never an error.
/// Layout: magic, then length-prefixed log, PTX and image, then the SHA-256 of everything before it.
/// </summary>
internal sealed class KernelDiskCache(string directory)
{
    private static readonly byte[] Magic = "CUDACNN-KERNEL-CACHE 1\n"u8.ToArray();

    public string Directory { get; } = directory;

    public string PathFor(string key) => Path.Combine(Directory, key + ".bin");

    /// <summary>The entry for <paramref name="key"/>; null when absent, and null (with corrupt = true) when damaged.</summary>
    public CachedCompilation? TryRead(string key, out bool corrupt)
    {
        corrupt = false;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(PathFor(key));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            corrupt = true;
            return null;
        }
        var entry = Decode(bytes);
        corrupt = entry is null;
        return entry;
    }

    /// <summary>Stores an entry. A cache that cannot be written makes the next run slower, not wrong, so
    /// failures are swallowed.</summary>
    public void Write(string key, CachedCompilation entry)
    {
        string temp = Path.Combine(Directory, $"{key}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllBytes(temp, Encode(entry));
            File.Move(temp, PathFor(key), overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
        }
    }

    private static byte[] Encode(CachedCompilation entry)
    {
        using var body = new MemoryStream();
        body.Write(Magic);
        WriteSection(body, Encoding.UTF8.GetBytes(entry.Log));
        WriteSection(body, Encoding.UTF8.GetBytes(entry.Ptx));
        WriteSection(body, entry.Image);
        body.Write(SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length)));
        return body.ToArray();
    }

    private static CachedCompilation? Decode(byte[] bytes)
    {
        const int HashBytes = SHA256.HashSizeInBytes;
        if (bytes.Length < Magic.Length + HashBytes || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            return null;
        var body = bytes.AsSpan(0, bytes.Length - HashBytes);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - HashBytes)))
            return null;
        int offset = Magic.Length;
        if (!ReadSection(body, ref offset, out var log) || !ReadSection(body, ref offset, out var ptx)
            || !ReadSection(body, ref offset, out var image) || offset != body.Length)
            return null;
        return new CachedCompilation(image.ToArray(), Encoding.UTF8.GetString(ptx), Encoding.UTF8.GetString(log));
    }

    private static void WriteSection(Stream stream, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, data.Length);
        stream.Write(length);
        stream.Write(data);
    }

    private static bool ReadSection(ReadOnlySpan<byte> body, ref int offset, out ReadOnlySpan<byte> data)
    {
        data = default;
        if (body.Length - offset < 4) return false;
        int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(body[offset..]);
        offset += 4;
        if (length < 0 || length > body.Length - offset) return false;
        data = body.Slice(offset, length);
        offset += length;
        return true;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* best effort */ }
    }
}
