using System.Text.Json.Serialization;
using Syncwarden.History;

namespace Syncwarden.Verification;

/// <summary>How a verification ended; its kebab-case name is stored in the history database and printed in JSON.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<VerifyResult>))]
public enum VerifyResult
{
    /// <summary>Every checked file is in the replica with the source's content.</summary>
    Passed,
    /// <summary>Some checked file is missing from the replica or differs from the source.</summary>
    Differences,
    /// <summary>The comparison itself failed (host unreachable, rsync error); nothing is known.</summary>
    Failed,
}

/// <summary>
/// One verification of a job's replica: a checksum comparison of a sample of the source's files. As stored in the
/// history database and printed by <c>verify --json</c> (field names are a contract: add, never rename).
/// </summary>
public sealed record VerifyRecord
{
    /// <summary>How many paths of each kind are kept (the counts are exact).</summary>
    public const int PathsKept = 1000;

    public long Id { get; init; }
    public required string Job { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset EndedAt { get; init; }
    public VerifyResult Result { get; init; }
    public RunTrigger Trigger { get; init; } = RunTrigger.Manual;
    /// <summary>The share of the source's files compared, in percent.</summary>
    public double SamplePercent { get; init; } = 100;
    /// <summary>The seed of the random sample: `verify --seed` with it picks the same files again.</summary>
    public int Seed { get; init; }
    public long FilesInSource { get; init; }
    public long FilesChecked { get; init; }
    /// <summary>Same size and modification time as the source, different content: damage a normal run cannot see.</summary>
    public IReadOnlyList<string> Corrupt { get; init; } = [];
    /// <summary>Different content with a different size or time: changed at the source since the last sync, or damaged.</summary>
    public IReadOnlyList<string> Changed { get; init; } = [];
    /// <summary>In the source, not in the replica.</summary>
    public IReadOnlyList<string> Missing { get; init; } = [];
    public long CorruptCount { get; init; }
    public long ChangedCount { get; init; }
    public long MissingCount { get; init; }
    public string? Error { get; init; }

    /// <summary>One line: "2 corrupt, 1 missing of 120 checked (10%)".</summary>
    [JsonIgnore]
    public string Summary => Result == VerifyResult.Failed
        ? "verification failed: " + Error
        : (CorruptCount + ChangedCount + MissingCount == 0 ? "no differences" : string.Join(", ", new[]
            {
                CorruptCount > 0 ? $"{CorruptCount} corrupt" : null,
                ChangedCount > 0 ? $"{ChangedCount} changed" : null,
                MissingCount > 0 ? $"{MissingCount} missing" : null,
            }.OfType<string>()))
          + $" in {FilesChecked} of {FilesInSource} file(s) checked ({SamplePercent.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}%)";
}
