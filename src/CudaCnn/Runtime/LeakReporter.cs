namespace CudaCnn.Runtime;

/// <summary>
/// Collects reports of device buffers that were finalized without Dispose. Finalizers only record and print;
/// they never touch the device (the context may already be gone).
/// </summary>
public static class LeakReporter
{
    private static long _leaks;

    /// <summary>Raised for every leak, on the finalizer thread.</summary>
    public static event Action<string>? Leaked;

    public static long LeakCount => Interlocked.Read(ref _leaks);

    internal static void Report(string what)
    {
        Interlocked.Increment(ref _leaks);
        string message = $"CudaCnn: {what} was not disposed; its device memory leaked until the device is closed.";
        Leaked?.Invoke(message);
        Console.Error.WriteLine(message);
    }
}
