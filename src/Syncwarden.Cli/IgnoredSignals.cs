using System.Globalization;

namespace Syncwarden.Cli;

/// <summary>
/// Which signals this process was started with set to "ignore" (nohup does that to SIGHUP). An ignored disposition
/// is inherited across exec, and the .NET runtime keeps it: a handler registered for such a signal never runs.
/// Read from the SigIgn mask of /proc/self/status (bit N-1 for signal N).
/// </summary>
internal static class IgnoredSignals
{
    public const int SIGHUP = 1;

    public static bool IsIgnored(int signal, string status = "/proc/self/status")
    {
        try
        {
            foreach (var line in File.ReadLines(status))
            {
                if (line.StartsWith("SigIgn:", StringComparison.Ordinal)
                    && ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask))
                {
                    return (mask & (1UL << (signal - 1))) != 0;
                }
            }
        }
        catch (IOException)
        {
        }
        return false;
    }
}
