using Syncwarden.Ssh;
using Syncwarden.Locks;
using Syncwarden.Processes;

namespace Syncwarden.Tests.Locks;

public sealed class RemoteShellTests
{
    public static TheoryData<string> HostileWords() =>
    [
        "/srv/locks/plain.lock",
        "/tmp/it's a lock",
        "/tmp/$(touch /tmp/sw-pwned-$$)",
        "/tmp/`id`; rm -rf /nonexistent",
        "/tmp/\"double\" and 'single' '\\''",
        "/tmp/new\nline\ttab",
        "/tmp/ends with backslash\\",
        "/tmp/*.lock",
        "-n",
        "",
        "/tmp/ü ∂ 🔒",
    ];

    [Theory]
    [MemberData(nameof(HostileWords))]
    public async Task ShCommand_word_round_trips_through_a_real_shell_untouched(string word)
    {
        // Arrange: the string ssh would hand to the remote login shell, run the way sshd runs it (shell -c STRING).
        var command = RemoteCommandLine.ShCommand("printf '%s\\0' \"$@\"", [word, "second word"]);

        // Act
        var (result, stdout, stderr) = await ProcessRunner.Default.CaptureAsync(new ProcessSpec("sh", ["-c", command]));

        // Assert
        result.ExitCode.Should().Be(0, stderr);
        stdout.Split('\0').Should().Equal(word, "second word", "");
    }

    [Fact]
    public void Quote_wraps_in_single_quotes_and_escapes_embedded_ones()
    {
        RemoteCommandLine.Quote("a'b").Should().Be("'a'\\''b'");
        RemoteCommandLine.Quote("").Should().Be("''");
    }
}
