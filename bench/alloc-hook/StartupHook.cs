using System.Diagnostics;
using System.Globalization;

// The runtime looks for exactly this type, in no namespace, when DOTNET_STARTUP_HOOKS names this assembly.
#pragma warning disable CA1050
internal static class StartupHook
#pragma warning restore CA1050
{
    /// <summary>
    /// At exit, appends one line to $SYNCWARDEN_ALLOC_REPORT: bytes allocated on the managed heap over the
    /// whole process, gen0/gen1/gen2 collections, and the process's own user and system CPU (children not
    /// included: rsync's CPU is not Syncwarden's).
    /// </summary>
    public static void Initialize()
    {
        var path = Environment.GetEnvironmentVariable("SYNCWARDEN_ALLOC_REPORT");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            using var self = Process.GetCurrentProcess();
            var line = string.Join('\t',
                GC.GetTotalAllocatedBytes(precise: true).ToString(CultureInfo.InvariantCulture),
                GC.CollectionCount(0).ToString(CultureInfo.InvariantCulture),
                GC.CollectionCount(1).ToString(CultureInfo.InvariantCulture),
                GC.CollectionCount(2).ToString(CultureInfo.InvariantCulture),
                self.UserProcessorTime.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture),
                self.PrivilegedProcessorTime.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture));
            File.AppendAllText(path, line + "\n");
        };
    }
}
