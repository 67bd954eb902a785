namespace CudaCnn.Runtime;

/// <summary>An NCHW shape (rank 1 to 4). Immutable; equality compares dimensions.</summary>
public readonly struct TensorShape : IEquatable<TensorShape>
{
    private readonly int _n, _c, _h, _w;

    public TensorShape(params ReadOnlySpan<int> dims)
    {
        if (dims.Length is < 1 or > 4)
            throw new ArgumentException($"expected 1 to 4 dimensions, got {dims.Length}", nameof(dims));
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] <= 0)
                throw new ArgumentOutOfRangeException(nameof(dims), $"dimension {i} is {dims[i]}; every dimension must be positive (shape [{string.Join(",", dims.ToArray())}])");
        }
        Rank = dims.Length;
        _n = dims[0];
        _c = Rank > 1 ? dims[1] : 1;
        _h = Rank > 2 ? dims[2] : 1;
        _w = Rank > 3 ? dims[3] : 1;
    }

    public int Rank { get; }
    public int N => _n;
    public int C => _c;
    public int H => _h;
    public int W => _w;
    public long Elements => (long)_n * _c * _h * _w;

    public int this[int axis] => axis switch
    {
        0 when axis < Rank => _n,
        1 when axis < Rank => _c,
        2 when axis < Rank => _h,
        3 when axis < Rank => _w,
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, $"expected an axis in [0, {Rank})"),
    };

    public int[] ToArray()
    {
        var dims = new int[Rank];
        for (int i = 0; i < Rank; i++) dims[i] = this[i];
        return dims;
    }

    public bool Equals(TensorShape other) =>
        Rank == other.Rank && _n == other._n && _c == other._c && _h == other._h && _w == other._w;

    public override bool Equals(object? obj) => obj is TensorShape other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(Rank, _n, _c, _h, _w);
    public static bool operator ==(TensorShape a, TensorShape b) => a.Equals(b);
    public static bool operator !=(TensorShape a, TensorShape b) => !a.Equals(b);
    public override string ToString() => $"[{string.Join(",", ToArray())}]";
}
