using System.Text.Json;
using Syncwarden.Configuration;

namespace Syncwarden.Standby;

/// <summary>
/// Reads and replaces <c>STATE-DIR/standby.json</c> and the markers in this machine's own data folders. Every write
/// goes to a temporary file first and is renamed over the old one, so a crash leaves the old state or the new, never
/// half of one.
/// </summary>
public sealed class StandbyStore(SyncwardenConfig config, TimeProvider time)
{
    public const string FileName = "standby.json";

    public string PathOfState => Path.Combine(config.StateDir, FileName);

    public StandbySettings Settings => config.Standby ?? throw new InvalidOperationException("the configuration has no standby: section");

    /// <summary>The stored state, or the initial one (configured roles, epoch 1) when none was stored yet.</summary>
    public StandbyState Load()
    {
        try
        {
            if (JsonSerializer.Deserialize(File.ReadAllText(PathOfState), StandbyJson.Readable.StandbyState) is { } state)
            {
                return state;
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Never changed: the configured roles hold.
        }
        catch (JsonException ex)
        {
            throw new IOException($"the role store {PathOfState} is damaged ({ex.Message}); restore it from the other machine's status, or delete it to start again from the configured roles and epoch 1", ex);
        }
        return StandbyState.Initial(Settings, time.GetUtcNow());
    }

    /// <summary>The pair as this machine sees it now (status, API, metrics); null without a standby: section or when the role store cannot be read.</summary>
    public static StandbyStatus? CurrentStatus(SyncwardenConfig config, TimeProvider time)
    {
        if (config.Standby is not { } settings)
        {
            return null;
        }
        try
        {
            var store = new StandbyStore(config, time);
            return StandbyRules.Status(settings, store.Load(), store.LocalMarkers(), time.GetUtcNow());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Like <see cref="Load"/>, but stores the initial state when there was none, so the standby's lag counts from its first look.</summary>
    public StandbyState LoadOrInitialize()
    {
        if (File.Exists(PathOfState))
        {
            return Load();
        }
        var initial = Load();
        Save(initial);
        return initial;
    }

    public void Save(StandbyState state)
    {
        Directory.CreateDirectory(config.StateDir);
        WriteAtomically(PathOfState, JsonSerializer.Serialize(state, StandbyJson.Readable.StandbyState));
    }

    /// <summary>The marker in each of this machine's data folders (null where there is none), in the order of the syncs.</summary>
    public IReadOnlyList<StandbyMarker?> LocalMarkers() => [.. Settings.LocalPaths.Select(f => ReadMarker(f))];

    /// <summary>The claim in each of this machine's data folders (null where there is none), in the order of the syncs.</summary>
    public IReadOnlyList<StandbyMarker?> LocalClaims() => [.. Settings.LocalPaths.Select(f => ReadMarker(f, StandbyMarker.ClaimFileName))];

    /// <summary>Writes this machine's claim to be the primary in <paramref name="epoch"/> into every one of its data folders that exists.</summary>
    public void WriteLocalClaims(long epoch, DateTimeOffset at)
    {
        var claim = new StandbyMarker(epoch, Settings.ThisHost, at);
        foreach (var folder in Settings.LocalPaths.Where(Directory.Exists))
        {
            WriteAtomically(Path.Combine(folder, StandbyMarker.ClaimFileName), claim.ToJson());
        }
    }

    public static StandbyMarker? ReadMarker(string folder, string name = StandbyMarker.FileName)
    {
        try
        {
            return StandbyMarker.Parse(File.ReadAllText(Path.Combine(folder, name)));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="marker"/> into every one of this machine's data folders that exists.</summary>
    public void WriteLocalMarkers(StandbyMarker marker)
    {
        foreach (var folder in Settings.LocalPaths.Where(Directory.Exists))
        {
            WriteAtomically(StandbyMarker.PathIn(folder), marker.ToJson());
        }
    }

    /// <summary>A folder of the state dir for marker files on their way to the peer.</summary>
    public string OutgoingFolder()
    {
        var folder = Path.Combine(config.StateDir, "standby");
        Directory.CreateDirectory(folder);
        return folder;
    }

    internal static void WriteAtomically(string path, string text)
    {
        var temp = path + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
