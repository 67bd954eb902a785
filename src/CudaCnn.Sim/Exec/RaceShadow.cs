namespace CudaCnn.Sim.Exec;

/// <summary>
/// racecheck's shadow of shared memory: per byte the last writer and the readers since the last barrier. Epochs
/// only grow within a worker (a new CTA or launch starts a new epoch), so the shadow needs clearing only when the
/// epoch counter is reset (<see cref="Clear"/>).
/// </summary>
internal sealed class RaceShadow
{
    private const byte MultipleReaders = 1, ReadersInSeveralWarps = 2;

    private int[] _writer = [];
    private int[] _writeEpoch = [];
    private int[] _writePc = [];
    private int[] _reader = [];
    private int[] _readEpoch = [];
    private byte[] _readFlags = [];

    /// <summary>Grows the shadow to cover <paramref name="bytes"/> of shared memory (new entries have epoch 0).</summary>
    public void Fit(int bytes)
    {
        if (_writer.Length >= bytes) return;
        _writer = new int[bytes];
        _writeEpoch = new int[bytes];
        _writePc = new int[bytes];
        _reader = new int[bytes];
        _readEpoch = new int[bytes];
        _readFlags = new byte[bytes];
    }

    /// <summary>Forgets every access (epoch 0 everywhere), for when the worker's epoch counter starts again.</summary>
    public void Clear()
    {
        Array.Clear(_writeEpoch);
        Array.Clear(_readEpoch);
    }

    /// <summary>Result of checking one access: no hazard, a same-warp warning, or an error with the other thread.</summary>
    public enum Hazard : byte { None, Warning, ReadAfterWrite, WriteAfterRead, WriteAfterWrite }

    public Hazard Read(int offset, int thread, int epoch, out int other, out int otherPc)
    {
        other = -1;
        otherPc = -1;
        var result = Hazard.None;
        if (_writeEpoch[offset] == epoch && _writer[offset] != thread)
        {
            other = _writer[offset];
            otherPc = _writePc[offset];
            result = other >> 5 == thread >> 5 ? Hazard.Warning : Hazard.ReadAfterWrite;
        }
        if (_readEpoch[offset] != epoch)
        {
            _readEpoch[offset] = epoch;
            _reader[offset] = thread;
            _readFlags[offset] = 0;
        }
        else if (_reader[offset] != thread)
        {
            _readFlags[offset] |= MultipleReaders;
            if (_reader[offset] >> 5 != thread >> 5) _readFlags[offset] |= ReadersInSeveralWarps;
        }
        return result;
    }

    public Hazard Write(int offset, int thread, int epoch, int pc, bool sameValue, out int other)
    {
        other = -1;
        var result = Hazard.None;
        if (_readEpoch[offset] == epoch && (_reader[offset] != thread || (_readFlags[offset] & MultipleReaders) != 0))
        {
            other = _reader[offset];
            bool crossWarp = (_readFlags[offset] & ReadersInSeveralWarps) != 0 || other >> 5 != thread >> 5;
            result = crossWarp ? Hazard.WriteAfterRead : Hazard.Warning;
        }
        if (result != Hazard.WriteAfterRead && _writeEpoch[offset] == epoch && _writer[offset] != thread && !sameValue)
        {
            other = _writer[offset];
            result = other >> 5 == thread >> 5 ? Hazard.Warning : Hazard.WriteAfterWrite;
        }
        _writer[offset] = thread;
        _writeEpoch[offset] = epoch;
        _writePc[offset] = pc;
        return result;
    }
}
