using System.Runtime.InteropServices;

namespace Syncwarden.Cli.Native;

/// <summary>
/// Gives back the pages of the executable's compressed start-up data once the runtime has decoded it (Native/prefault.c,
/// linked into the NativeAOT executable only). About 3 MiB less resident memory for every syncwarden process, the
/// long-running daemon included; measured in bench/RESULTS.md.
/// </summary>
internal static partial class StartupData
{
    /// <summary>Releases the data's pages; returns the bytes released, 0 when not applicable (not the NativeAOT
    /// executable, or the runtime's module table was not recognised), -1 when the kernel refused.</summary>
    public static long Release() =>
#if NATIVE_AOT
        ReleaseStartupData();
#else
        // Under the JIT (tests, dotnet run) the program's data is not in the executable and the C object is not linked.
        // (RuntimeFeature.IsDynamicCodeSupported cannot tell: PublishAot makes it false under the JIT as well.)
        0;
#endif

#if NATIVE_AOT
    [LibraryImport("syncwarden-native", EntryPoint = "syncwarden_release_startup_data")]
    private static partial long ReleaseStartupData();
#endif
}
