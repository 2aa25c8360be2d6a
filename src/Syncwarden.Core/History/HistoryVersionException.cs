namespace Syncwarden.History;

/// <summary>The history database was written by a newer syncwarden (a schema version this one does not know); it was left unchanged.</summary>
public sealed class HistoryVersionException(string path, int version, int supported)
    : IOException($"{path} has history schema version {version}, but this syncwarden knows versions up to {supported}: " +
        "a newer syncwarden wrote it. Upgrade syncwarden to use this state directory (the database was not changed)")
{
    public string DatabasePath { get; } = path;
    public int Version { get; } = version;
    public int SupportedVersion { get; } = supported;
}
