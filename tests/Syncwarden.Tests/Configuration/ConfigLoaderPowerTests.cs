using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

public sealed class ConfigLoaderPowerTests
{
    [Fact]
    public void Power_section_binds_every_key()
    {
        // Arrange
        const string yaml = """
            power:
              sleep-after-run: true
              mode: disk
              wake-margin: 10m
              rtcwake-path: /usr/sbin/rtcwake
              stay-awake-file: /run/syncwarden/stay-awake
            """;

        // Act
        var result = ConfigLoader.Parse(yaml, ConfigErrors.File);

        // Assert
        result.Errors.Should().BeEmpty();
        result.Config!.Power.Should().Be(new PowerSettings
        {
            SleepAfterRun = true,
            Mode = SleepMode.Disk,
            WakeMargin = TimeSpan.FromMinutes(10),
            RtcwakePath = "/usr/sbin/rtcwake",
            StayAwakeFile = "/run/syncwarden/stay-awake",
        });
    }

    [Fact]
    public void Without_power_section_sleeping_is_off()
    {
        var config = ConfigLoader.Parse("jobs: {}\n", ConfigErrors.File).Config!;

        config.Power.SleepAfterRun.Should().BeFalse();
        config.Power.Mode.Should().Be(SleepMode.Mem);
        config.Power.WakeMargin.Should().Be(TimeSpan.FromMinutes(5));
    }

    [Fact]
    public void Empty_power_section_keeps_defaults_and_mode_off_binds()
    {
        ConfigLoader.Parse("power:\n", ConfigErrors.File).Config!.Power.Should().Be(new PowerSettings());
        ConfigLoader.Parse("power: { mode: off, wake-margin: 0 }\n", ConfigErrors.File).Config!.Power
            .Should().Be(new PowerSettings { Mode = SleepMode.Off, WakeMargin = TimeSpan.Zero });
    }

    [Fact]
    public void Unknown_mode_is_reported_with_the_allowed_words()
    {
        var error = ConfigErrors.Single("power:\n  mode: hibernate\n");

        error.ShouldBeAt(2, 9, "power.mode");
        error.Message.Should().Contain("mem, disk, off");
    }

    [Fact]
    public void Misspelled_power_key_is_reported_with_a_suggestion()
    {
        var error = ConfigErrors.Single("power:\n  wake-marign: 5m\n");

        error.ShouldBeAt(2, 3, "power.wake-marign");
        error.Hint.Should().Contain("wake-margin");
    }

    [Fact]
    public void Bad_boolean_and_duration_are_both_reported()
    {
        var errors = ConfigErrors.Of("power:\n  sleep-after-run: maybe\n  wake-margin: soon\n");

        errors.Select(e => e.Key).Should().Equal("power.sleep-after-run", "power.wake-margin");
    }
}
