using Syncwarden.Cli.Output;
using Syncwarden.Rsync;
using Syncwarden.Runs;

namespace Syncwarden.Tests.Cli;

public sealed class TerminalProgressTests
{
    [Fact]
    public void Transfer_line_shows_bar_percent_bytes_rate_and_eta()
    {
        var p = new RunProgress("nightly", 7, RunPhase.Transferring, 0, 2, "/a -> /b",
            new RsyncProgress(50 * 1024 * 1024, 50, 2 * 1024 * 1024, TimeSpan.FromSeconds(75), null, null, null));

        TerminalProgress.Describe(p).Should().Be("nightly [1/2] [############............]  50% 50.0 MiB 2.0 MiB/s ETA 1:15");
    }

    [Fact]
    public void Elapsed_time_on_a_file_closing_line_is_not_shown_as_eta()
    {
        var p = new RunProgress("nightly", 7, RunPhase.Transferring, 1, 2, null,
            new RsyncProgress(1000, 100, 500, TimeSpan.FromSeconds(2), TransferNumber: 3, 0, 5));

        p.Eta.Should().BeNull();
        TerminalProgress.Describe(p).Should().EndWith("ETA --:--");
    }

    [Fact]
    public void Other_phases_name_the_phase_and_message()
    {
        var p = new RunProgress("nightly", 7, RunPhase.Retrying, 0, 1, "/a -> /b", null, "attempt 1 failed");

        TerminalProgress.Describe(p).Should().Be("nightly [1/1] retrying: attempt 1 failed");
    }
}
