namespace Syncwarden.Rsync;

/// <summary>One --info=progress2 update (the text between two '\r'/'\n'), with what the run knew when it was published.</summary>
/// <param name="BytesTransferred">Bytes of file data transferred so far in the whole run.</param>
/// <param name="Percent">
/// rsync's own percentage: <paramref name="BytesTransferred"/> of the size of every file in the list, changed or not
/// (0-100). A run that changes little stays near 0 until the end; <see cref="OverallPercent"/> also counts the files checked.
/// </param>
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
/// <param name="ToCheckRemaining">Files still to check ("to-chk=R/T" or "ir-chk=R/T"); the newest known when published.</param>
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
    /// <summary>Below this rsync percentage the total size is not estimated (the estimate would be off by more than 5%).</summary>
    private const int EstimateFromPercent = 10;

    /// <summary>True for "ir-chk": incremental recursion is still building the file list.</summary>
    public bool IncrementalScan { get; init; }

    /// <summary>True when the time column holds the elapsed time rather than an ETA.</summary>
    public bool TimeIsElapsed => TransferNumber.HasValue;

    /// <summary>The file being transferred (the newest name rsync announced), as rsync names it below the sync's source.</summary>
    public string? CurrentFile { get; init; }

    /// <summary>Files transferred so far (the newest "xfr#N" seen, also on updates that do not print it).</summary>
    public long FilesTransferred { get; init; }

    /// <summary>Time since this sync's rsync started, on the run's clock.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>
    /// True while the file list is still growing (incremental recursion, e.g. a job that passes --inc-recursive):
    /// totals and percentages are then of the part listed so far, and no ETA is given. rsync prints its counters as each
    /// file ends, so until the first file has ended <see cref="ToCheckTotal"/> is null while rsync's percentage is
    /// already of the whole list.
    /// </summary>
    public bool TotalGrowing => IncrementalScan;

    /// <summary>Files checked so far (transferred or found up to date).</summary>
    public long? FilesChecked => ToCheckTotal is { } total && ToCheckRemaining is { } left ? total - left : null;

    /// <summary>
    /// How far the sync is, 0-1: the larger of the share of bytes moved and the share of files checked, so a run that
    /// changes little advances with its checks and an initial copy with its bytes. Only rsync's bytes while the list grows.
    /// </summary>
    public double Fraction
    {
        get
        {
            var bytes = Percent / 100.0;
            return !TotalGrowing && ToCheckTotal is > 0 and { } total && FilesChecked is { } done ? Math.Clamp(Math.Max(bytes, (double)done / total), 0, 1) : bytes;
        }
    }

    /// <summary><see cref="Fraction"/> as a whole percentage, rounded down (100 only when done).</summary>
    public int OverallPercent => (int)Math.Floor(Fraction * 100);

    /// <summary>
    /// Size of every file in the list, estimated from rsync's percentage once it is at least 10% (within 5%); null before,
    /// and while the list grows. rsync prints no total size before its statistics at the end.
    /// </summary>
    public long? BytesTotal => TotalGrowing || Percent < EstimateFromPercent ? null
        : Percent == 100 ? BytesTransferred : (long)Math.Round(BytesTransferred * 100.0 / (Percent + 0.5));

    /// <summary>
    /// Time left: the elapsed time scaled by <see cref="Fraction"/> once the list is complete and a second has passed;
    /// otherwise rsync's own estimate on updates that carry one; null when nothing sensible is known.
    /// </summary>
    public TimeSpan? EstimatedEta
    {
        get
        {
            if (!TotalGrowing && Elapsed >= TimeSpan.FromSeconds(1) && Fraction > 0)
            {
                return Fraction >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Round(Elapsed.TotalSeconds * (1 - Fraction) / Fraction));
            }
            return IncrementalScan || TimeIsElapsed ? null : Eta;
        }
    }
}
