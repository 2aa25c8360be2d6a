using System.Text.Json;
using System.Text.Json.Serialization;

namespace Syncwarden.Devices;

/// <summary>A disk syncwarden mounted and has not unmounted yet: which process did it, for which job.</summary>
internal sealed record MountMarker(string Job, string Uuid, string Device, string Mountpoint, int ProcessId);

[JsonSerializable(typeof(MountMarker))]
internal sealed partial class DeviceJson : JsonSerializerContext
{
#pragma warning disable RS0030 // Default is banned elsewhere: everything goes through Readable, which it seeds.
    public static DeviceJson Readable => field ??= new(ReadableJson.Options(Default.Options));
#pragma warning restore RS0030
}

/// <summary>
/// STATE-DIR/devices/JOB.json, written before a disk is mounted and removed once it is unmounted. A marker whose
/// process is gone (killed, host crash) names a disk still mounted by us: the next start unmounts it.
/// </summary>
internal static class MountMarkers
{
    public static string Folder(string stateDir) => Path.Combine(stateDir, "devices");

    public static string PathFor(string stateDir, string job) => Path.Combine(Folder(stateDir), job + ".json");

    public static void Write(string stateDir, MountMarker marker)
    {
        Directory.CreateDirectory(Folder(stateDir));
        var path = PathFor(stateDir, marker.Job);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(marker, DeviceJson.Readable.MountMarker));
        File.Move(temp, path, overwrite: true);
    }

    public static void Remove(string stateDir, string job) => File.Delete(PathFor(stateDir, job));

    /// <summary>Markers whose process no longer runs (never this process's own).</summary>
    public static IReadOnlyList<(string File, MountMarker? Marker)> Abandoned(string stateDir)
    {
        var folder = Folder(stateDir);
        if (!Directory.Exists(folder))
        {
            return [];
        }
        var list = new List<(string, MountMarker?)>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
        {
            MountMarker? marker;
            try
            {
                marker = JsonSerializer.Deserialize(File.ReadAllText(file), DeviceJson.Readable.MountMarker);
            }
            catch (Exception ex) when (ex is JsonException or IOException)
            {
                marker = null;
            }
            if (marker is null || (marker.ProcessId != Environment.ProcessId && !Processes.ProcessRunner.IsAlive(marker.ProcessId)))
            {
                list.Add((file, marker));
            }
        }
        return list;
    }
}
