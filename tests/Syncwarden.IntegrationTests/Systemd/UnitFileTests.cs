using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Systemd;

/// <summary>
/// The shipped units pass <c>systemd-analyze verify</c> (works without systemd as PID 1) and keep the settings
/// the daemon relies on. verify insists that ExecStart's binary exists and is executable, and the test host
/// has no /usr/local/bin/syncwarden, so each unit is verified as a temporary copy pointing at a temporary script;
/// nothing else in the copy changes.
/// </summary>
public sealed class UnitFileTests
{
    public static TheoryData<string> Units => new() { "syncwarden@.service", "syncwarden.service", "syncwarden-device@.service", "syncwarden-serve.service" };

    [Theory]
    [MemberData(nameof(Units))]
    public async Task Unit_passes_systemd_analyze_verify(string unit)
    {
        // Arrange
        using var temp = new TempDir("unit");
        var binary = temp.Combine("syncwarden");
        await File.WriteAllTextAsync(binary, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var text = await File.ReadAllTextAsync(RepoPaths.Combine("deploy", "systemd", unit));
        text.Should().Contain("/usr/local/bin/syncwarden ");
        await File.WriteAllTextAsync(temp.Combine(unit), text.Replace("/usr/local/bin/syncwarden", binary, StringComparison.Ordinal));

        // Act
        var result = await TestProcess.RunAsync("systemd-analyze", ["verify", temp.Combine(unit)], TimeSpan.FromSeconds(60));

        // Assert: exit 0 and no warnings about our file (verify prints problems but may still exit 0).
        result.ExitCode.Should().Be(0, result.ToString());
        (result.StandardOutput + result.StandardError).Should().NotContain(unit, result.ToString());
    }

    [Fact]
    public async Task Template_unit_keeps_the_settings_the_daemon_relies_on()
    {
        var lines = (await File.ReadAllLinesAsync(RepoPaths.Combine("deploy", "systemd", "syncwarden@.service")))
            .Where(l => l.Length > 0 && l[0] is not ('#' or '[')).ToList();

        lines.Should().Contain([
            "Type=notify",
            "NotifyAccess=main",
            "ExecStart=/usr/local/bin/syncwarden -c /etc/syncwarden/%i.yaml daemon",
            "ExecReload=/usr/local/bin/syncwarden -c /etc/syncwarden/%i.yaml reload",
            "KillMode=mixed",
            "KillSignal=SIGTERM",
            "Restart=on-failure",
            "StateDirectory=syncwarden/%i",
            "ProtectSystem=full",
            "NoNewPrivileges=yes",
        ]);
        // Longer than the daemon's default 30 s shutdown grace, so rsync children are stopped by the daemon, not by systemd.
        var stop = lines.Single(l => l.StartsWith("TimeoutStopSec=", StringComparison.Ordinal));
        int.Parse(stop["TimeoutStopSec=".Length..].TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(30);
    }
}
