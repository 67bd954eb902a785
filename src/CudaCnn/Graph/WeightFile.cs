using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CudaCnn.Runtime;

namespace CudaCnn.Graph;

/// <summary>
/// Weights in the safetensors layout (docs/layers.md): an 8-byte little-endian header length, a UTF-8 JSON header
/// { "name": { "dtype": "F32", "shape": [...], "data_offsets": [begin, end] }, ..., "__metadata__": {...} },
/// then the raw little-endian float32 data. Names are the modules' dotted names (parameters and buffers).
/// </summary>
public static class WeightFile
{
    public const string FormatName = "cudacnn-safetensors-1";

    public static void Save(string path, Module model)
    {
        var entries = model.NamedAll("").ToList();
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = FormatName } };
        long offset = 0;
        foreach (var (name, p) in entries)
        {
            long bytes = p.Shape.Elements * sizeof(float);
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(p.Shape.ToArray().Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
        file.Write(length);
        file.Write(headerBytes);
        foreach (var (_, p) in entries)
            file.Write(MemoryMarshal.AsBytes(p.Value.ToArray().AsSpan()));
    }

    /// <summary>Loads every parameter and buffer of <paramref name="model"/> by name; a missing name, a shape that
    /// differs or a file that is not this format is an error naming it (nothing is half-loaded: all is checked first).</summary>
    public static void Load(string path, Module model)
    {
        var data = File.ReadAllBytes(path);
        if (data.Length < 8) throw new InvalidDataException($"{path}: {data.Length} bytes is too short for a safetensors file");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (headerLength > (ulong)data.Length - 8) throw new InvalidDataException($"{path}: header length {headerLength} exceeds the file ({data.Length} bytes)");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(data.AsSpan(8, (int)headerLength))?.AsObject() ?? throw new InvalidDataException($"{path}: empty header");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the header is not JSON ({e.Message})", e);
        }
        int dataStart = 8 + (int)headerLength;
        var plan = new List<(Parameter P, int Start)>();
        foreach (var (name, p) in model.NamedAll(""))
        {
            if (header[name] is not JsonObject entry) throw new InvalidDataException($"{path}: no tensor named '{name}' (model expects {p.Shape})");
            string dtype = entry["dtype"]?.GetValue<string>() ?? "";
            if (dtype != "F32") throw new InvalidDataException($"{path}: '{name}' is {dtype}, expected F32");
            var shape = entry["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray();
            if (!shape.SequenceEqual(p.Shape.ToArray()))
                throw new InvalidDataException($"{path}: '{name}' has shape [{string.Join(",", shape)}], the model expects {p.Shape}");
            var offsets = entry["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            if (offsets.Length != 2 || offsets[1] - offsets[0] != p.Shape.Elements * sizeof(float) || dataStart + offsets[1] > data.Length)
                throw new InvalidDataException($"{path}: '{name}' has data offsets [{string.Join(",", offsets)}] that do not hold {p.Shape.Elements} floats inside the file");
            plan.Add((p, dataStart + (int)offsets[0]));
        }
        foreach (var (p, start) in plan)
        {
            p.Value.Buffer.CopyFrom(MemoryMarshal.Cast<byte, float>(data.AsSpan(start, (int)(p.Shape.Elements * sizeof(float)))));
            p.Value.MarkChanged();
        }
    }
}
