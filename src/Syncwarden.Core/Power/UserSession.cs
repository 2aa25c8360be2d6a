namespace Syncwarden.Power;

/// <summary>An open interactive login: a console or an SSH session with a terminal.</summary>
public sealed record UserSession(string User, string Line, string? Host, int ProcessId, DateTimeOffset LoginTime)
{
    /// <summary>e.g. <c>root on pts/0 from 10.0.0.5 (pid 4711, since 2026-01-02 03:04:05Z)</c>.</summary>
    public override string ToString() =>
        $"{User} on {Line}{(string.IsNullOrEmpty(Host) ? "" : $" from {Host}")} (pid {ProcessId}, since {LoginTime.UtcDateTime:yyyy-MM-dd HH:mm:ssZ})";
}

/// <summary>Lists open interactive sessions; the real one reads utmp, tests inject a fake.</summary>
public interface IUserSessionSource
{
    Task<IReadOnlyList<UserSession>> GetSessionsAsync(CancellationToken cancellationToken = default);
}
