using Syncwarden.Power;

namespace Syncwarden.Tests.Power;

public sealed class UtmpSessionSourceTests : IDisposable
{
    private static readonly DateTimeOffset s_login = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("syncwarden-utmp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Only_live_user_processes_are_sessions()
    {
        // Arrange: boot time (2), login prompt (6), a live ssh login, a dead one (8) and a crashed one (pid gone).
        var path = Path.Combine(_dir, "utmp");
        await File.WriteAllBytesAsync(path, [
            .. UtmpSessionSource.Encode(2, 0, "~", "reboot", "6.1.0", s_login),
            .. UtmpSessionSource.Encode(6, 100, "tty1", "LOGIN", "", s_login),
            .. UtmpSessionSource.Encode(7, 200, "pts/0", "alice", "192.0.2.7", s_login),
            .. UtmpSessionSource.Encode(8, 300, "pts/1", "", "", s_login),
            .. UtmpSessionSource.Encode(7, 400, "pts/2", "bob", "", s_login),
        ]);
        var source = new UtmpSessionSource(path, pid => pid != 400);

        // Act
        var sessions = await source.GetSessionsAsync();

        // Assert
        sessions.Should().Equal(new UserSession("alice", "pts/0", "192.0.2.7", 200, s_login));
        sessions[0].ToString().Should().Be("alice on pts/0 from 192.0.2.7 (pid 200, since 2026-01-02 03:04:05Z)");
    }

    [Fact]
    public async Task Missing_utmp_means_no_sessions()
    {
        var sessions = await new UtmpSessionSource(Path.Combine(_dir, "absent")).GetSessionsAsync();

        sessions.Should().BeEmpty();
    }

    [Fact]
    public void Full_width_fields_without_terminator_and_partial_trailing_record_are_handled()
    {
        var user = new string('u', 32);
        byte[] data = [.. UtmpSessionSource.Encode(7, 1, "pts/9", user, "", s_login), .. new byte[100]];

        var sessions = UtmpSessionSource.Parse(data);

        sessions.Should().ContainSingle().Which.Should().Be(new UserSession(user, "pts/9", null, 1, s_login));
    }

    [Fact]
    public void Record_layout_matches_glibc_x86_64()
    {
        // Offsets as in the record sshd wrote on this machine (xxd /run/utmp): type 7, pid, "pts/0" at 8, user at 44, host at 76.
        var record = UtmpSessionSource.Encode(7, 0x18fe, "pts/0", "root", "127.0.0.1", s_login);

        record.Should().HaveCount(384);
        Convert.ToHexString(record.AsSpan(0, 12)).Should().Be("07000000" + "FE180000" + "7074732F"); // ut_type+pad, ut_pid, ut_line
        System.Text.Encoding.ASCII.GetString(record, 44, 4).Should().Be("root");
        System.Text.Encoding.ASCII.GetString(record, 76, 9).Should().Be("127.0.0.1");
    }
}
