using System.Text.Encodings.Web;
using System.Text.Json;

namespace CudaCnn.Cli;

/// <summary>Writes a JSON array to standard output with Utf8JsonWriter (no reflection: the CLI is published trimmed).</summary>
internal static class JsonOutput
{
    public static void WriteArray<T>(IEnumerable<T> rows, Action<Utf8JsonWriter, T> writeFields) => Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var row in rows)
        {
            writer.WriteStartObject();
            writeFields(writer, row);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    });

    /// <summary>Writes one JSON object to standard output.</summary>
    public static void WriteObject(Action<Utf8JsonWriter> writeFields) => Write(writer =>
    {
        writer.WriteStartObject();
        writeFields(writer);
        writer.WriteEndObject();
    });

    private static void Write(Action<Utf8JsonWriter> write)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(writer);
        stdout.WriteByte((byte)'\n');
    }

    /// <summary>A number, or null for NaN (JSON has no NaN).</summary>
    public static void WriteNumberOrNull(this Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsNaN(value)) writer.WriteNull(name);
        else writer.WriteNumber(name, value);
    }
}
