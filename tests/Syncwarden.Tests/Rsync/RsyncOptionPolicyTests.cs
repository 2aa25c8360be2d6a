using Syncwarden.Rsync;

namespace Syncwarden.Tests.Rsync;

public sealed class RsyncOptionPolicyTests
{
    [Theory]
    [InlineData("--delete")]
    [InlineData("--hard-links")]
    [InlineData("-H")]
    [InlineData("-A")]
    [InlineData("-X")]
    [InlineData("--checksum")]
    [InlineData("--numeric-ids")]
    [InlineData("--exclude=x")]
    [InlineData("--rsync-path=/opt/bin/rsync")]
    [InlineData("--compress")]
    [InlineData("-a")]
    [InlineData("-z")]
    [InlineData("-avzH")]
    [InlineData("-av")]
    [InlineData("-B1024")]
    [InlineData("-f- *.tmp")]
    [InlineData("--delete-delay")]
    [InlineData("--delete-after")]
    [InlineData("--no-inc-recursive")]
    public void Allowed_option_is_not_rejected(string option)
    {
        // Arrange / Act
        var reason = RsyncOptionPolicy.Reject(option, out var hint);

        // Assert
        reason.Should().BeNull();
        hint.Should().BeNull();
    }

    [Theory]
    // output format the engine parses
    [InlineData("--out-format=%n", "output")]
    [InlineData("--log-format=%n", "output")]
    [InlineData("--info=progress2", "output")]
    [InlineData("--debug=all", "output")]
    [InlineData("-v", "output")]
    [InlineData("-vv", "output")]
    [InlineData("--verbose", "output")]
    [InlineData("-q", "output")]
    [InlineData("--quiet", "output")]
    [InlineData("-h", "output")]
    [InlineData("--human-readable", "output")]
    [InlineData("--progress", "output")]
    [InlineData("-P", "output")]
    [InlineData("-i", "output")]
    [InlineData("--itemize-changes", "output")]
    [InlineData("--stats", "output")]
    [InlineData("-8", "output")]
    [InlineData("--8-bit-output", "output")]
    [InlineData("--list-only", "output")]
    [InlineData("--msgs2stderr", "output")]
    [InlineData("--stderr=all", "output")]
    [InlineData("--outbuf=L", "output")]
    // mode changers
    [InlineData("--daemon", "mode")]
    [InlineData("--server", "mode")]
    [InlineData("--sender", "mode")]
    [InlineData("--config=/etc/rsyncd.conf", "mode")]
    [InlineData("--dry-run", "syncwarden plan")]
    [InlineData("-n", "syncwarden plan")]
    [InlineData("--write-batch=b", "mode")]
    [InlineData("--only-write-batch=b", "mode")]
    [InlineData("--read-batch=b", "mode")]
    // engine-owned
    [InlineData("-e", "ssh-options")]
    [InlineData("--rsh=ssh -p 2222", "ssh-options")]
    [InlineData("--partial-dir=.p", "partial")]
    [InlineData("--temp-dir=/tmp", "temporary")]
    [InlineData("-T/tmp", "temporary")]
    [InlineData("--partial", "partial")]
    [InlineData("--bwlimit=100", "bandwidth")]
    [InlineData("--protect-args", "arguments")]
    [InlineData("-s", "arguments")]
    [InlineData("--secluded-args", "arguments")]
    [InlineData("--no-protect-args", "arguments")]
    [InlineData("--max-delete=10", "max-delete")]
    // safety
    [InlineData("--inplace", "truncated")]
    [InlineData("--append", "truncated")]
    [InlineData("--append-verify", "truncated")]
    [InlineData("-K", "symlinks")]
    [InlineData("--keep-dirlinks", "symlinks")]
    [InlineData("--delete-before", "--delete")]
    [InlineData("--delete-during", "--delete")]
    [InlineData("--del", "--delete")]
    // not options at all
    [InlineData("", "empty")]
    [InlineData("/srv/data", "path")]
    [InlineData("--", "path")]
    public void Refused_option_gives_a_reason_and_a_hint(string option, string explanationPart)
    {
        // Arrange / Act
        var reason = RsyncOptionPolicy.Reject(option, out var hint);

        // Assert
        reason.Should().NotBeNull();
        hint.Should().NotBeNullOrWhiteSpace();
        $"{reason} {hint}".Should().ContainEquivalentOf(explanationPart);
    }

    [Theory]
    [InlineData("-avP", 'P')]
    [InlineData("-aHn", 'n')]
    [InlineData("-azK", 'K')]
    [InlineData("-rltq", 'q')]
    [InlineData("-aie", 'i')]
    public void Bundled_short_options_are_refused_naming_the_offending_letter(string option, char letter)
    {
        // Arrange / Act
        var reason = RsyncOptionPolicy.Reject(option, out var hint);

        // Assert
        reason.Should().Contain($"contains -{letter}");
        hint.Should().NotBeNull();
    }

    [Theory]
    [InlineData("-f-P")]
    [InlineData("-B4096v")]
    [InlineData("-M--fake-super")]
    public void Letters_after_a_value_taking_short_option_are_its_value_not_more_options(string option)
    {
        // Arrange / Act
        var reason = RsyncOptionPolicy.Reject(option, out _);

        // Assert
        reason.Should().BeNull();
    }

    [Fact]
    public void Value_taking_option_that_is_itself_refused_stops_nothing()
    {
        // Arrange / Act
        var reason = RsyncOptionPolicy.Reject("-aessh", out var hint);

        // Assert
        reason.Should().Contain("contains -e");
        hint.Should().Contain("ssh-options");
    }
}
