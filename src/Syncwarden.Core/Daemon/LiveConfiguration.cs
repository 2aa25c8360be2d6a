using Syncwarden.Configuration;

namespace Syncwarden.Daemon;

/// <summary>
/// The configuration in effect and how to read it again. A reload replaces it only when the new file
/// is valid; runs already going keep the configuration they started with.
/// </summary>
public sealed class LiveConfiguration(SyncwardenConfig initial, Func<ConfigLoadResult> load)
{
    private volatile SyncwardenConfig _current = initial;

    public SyncwardenConfig Current => _current;

    /// <summary>Reads the file again; on success the new configuration is in effect.</summary>
    public ConfigLoadResult Reload()
    {
        var result = load();
        if (result.IsValid)
        {
            _current = result.Config!;
        }
        return result;
    }
}
