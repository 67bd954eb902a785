using CudaCnn.Runtime;

namespace CudaCnn.Reference;

/// <summary>Argument checks shared by the reference ops: array lengths against shapes, with the op, the argument,
/// the expected and the actual sizes in the message.</summary>
internal static class ReferenceChecks
{
    public static void Length(Array array, TensorShape shape, string name, string op)
    {
        ArgumentNullException.ThrowIfNull(array, name);
        if (array.LongLength != shape.Elements)
            throw new ArgumentException($"{op}: {name} has {array.LongLength} elements, its shape {shape} needs {shape.Elements}", name);
    }

    public static void Length(Array array, long expected, string name, string op)
    {
        ArgumentNullException.ThrowIfNull(array, name);
        if (array.LongLength != expected)
            throw new ArgumentException($"{op}: {name} has {array.LongLength} elements, expected {expected}", name);
    }

    public static void SameShape(TensorShape actual, TensorShape expected, string name, string op)
    {
        if (actual != expected)
            throw new ArgumentException($"{op}: {name} has shape {actual}, expected {expected}", name);
    }
}
