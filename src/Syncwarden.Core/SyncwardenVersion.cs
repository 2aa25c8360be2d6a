using System.Reflection;

namespace Syncwarden;

/// <summary>The version this build was made from (for /healthz, build_info and --version).</summary>
public static class SyncwardenVersion
{
    public static string Current { get; } =
        typeof(SyncwardenVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
