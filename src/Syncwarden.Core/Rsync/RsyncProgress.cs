namespace Syncwarden.Rsync;

/// <summary>One --info=progress2 update (the text between two '\r'/'\n').</summary>
/// <param name="BytesTransferred">Bytes of file data transferred so far in the whole run.</param>
/// <param name="Percent">rsync's own percentage of the total size (0-100).</param>
/// <param name="BytesPerSecond">
/// Rate in bytes per second. rsync prints kB/s, MB/s and GB/s as powers of 1024
/// (progress.c divides by 1024), so "9.93MB/s" is 9.93 * 1024 * 1024.
/// </param>
/// <param name="Eta">
/// The time column. On updates without "(xfr#…)" it is the estimated time left; on the update
/// printed when a file finishes (<see cref="TransferNumber"/> set) rsync prints the time elapsed
/// since the start instead (see <see cref="TimeIsElapsed"/>). Null when rsync prints "??:??:??".
/// </param>
/// <param name="TransferNumber">Files transferred so far ("xfr#N"), only on file-finished updates.</param>
/// <param name="ToCheckRemaining">Files still to check ("to-chk=R/T" or "ir-chk=R/T").</param>
/// <param name="ToCheckTotal">Files in the list so far; grows while <see cref="IncrementalScan"/>.</param>
public sealed record RsyncProgress(
    long BytesTransferred,
    int Percent,
    double BytesPerSecond,
    TimeSpan? Eta,
    long? TransferNumber,
    long? ToCheckRemaining,
    long? ToCheckTotal)
{
    /// <summary>True for "ir-chk": incremental recursion is still building the file list.</summary>
    public bool IncrementalScan { get; init; }

    /// <summary>True when the time column holds the elapsed time rather than an ETA.</summary>
    public bool TimeIsElapsed => TransferNumber.HasValue;
}
