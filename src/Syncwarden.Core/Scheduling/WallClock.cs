namespace Syncwarden.Scheduling;

/// <summary>
/// Maps a wall-clock time in a zone to one instant, with the daylight saving rules both schedules share (cron
/// schedules get the mapping from Cronos and only use <see cref="IsSecondPass"/>).
/// </summary>
internal static class WallClock
{
    // Longer than any real gap (Samoa skipped a whole day in 2011).
    private const int MaxGapMinutes = 3 * 24 * 60;

    /// <summary>
    /// The instant of <paramref name="wall"/> in <paramref name="zone"/>: a time inside a spring-forward gap maps to
    /// the first instant after the gap (the change itself); a time repeated by a fall-back change maps to its first
    /// occurrence. The mapping never decreases as the wall time increases.
    /// </summary>
    public static DateTimeOffset ToInstant(DateTime wall, TimeZoneInfo zone)
    {
        wall = DateTime.SpecifyKind(wall, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(wall))
        {
            // Walk to the first wall minute that exists; it is the wall time of the change in the new offset.
            var probe = new DateTime(wall.Year, wall.Month, wall.Day, wall.Hour, wall.Minute, 0, DateTimeKind.Unspecified);
            for (var i = 0; i < MaxGapMinutes && zone.IsInvalidTime(probe); i++)
            {
                probe = probe.AddMinutes(1);
            }
            wall = probe;
        }
        if (zone.IsAmbiguousTime(wall))
        {
            // The larger offset belongs to the earlier instant.
            var offsets = zone.GetAmbiguousTimeOffsets(wall);
            return new DateTimeOffset(wall, offsets.Max());
        }
        return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
    }

    /// <summary>The wall-clock time of <paramref name="instant"/> in <paramref name="zone"/> (kind unspecified).</summary>
    public static DateTime ToWall(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(instant, zone).DateTime, DateTimeKind.Unspecified);

    /// <summary>
    /// Whether <paramref name="instant"/> is the second occurrence of a wall time repeated by a fall-back change: an
    /// instant that <see cref="ToInstant"/> never returns.
    /// </summary>
    public static bool IsSecondPass(DateTimeOffset instant, TimeZoneInfo zone) =>
        zone.IsAmbiguousTime(instant) && zone.GetUtcOffset(instant) < zone.GetAmbiguousTimeOffsets(instant).Max();
}
