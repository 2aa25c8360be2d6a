using Syncwarden.Cli.Output;

namespace Syncwarden.Tests.Cli;

public sealed class FormatTests
{
    [Theory]
    [InlineData("source /srv/x is missing", 60, "source /srv/x is missing")]
    [InlineData("two\nlines  and\ttabs", 60, "two lines and tabs")]
    [InlineData("host 'nas' (backup@10.0.0.5 port 22): authentication failed; the server refused the key /etc/syncwarden/id", 60,
        "host 'nas' (backup@10.0.0.5 port 22): authentication...")]
    [InlineData("rsync: [sender] link_stat \"/srv/a-very-long-directory-name-without-any-spaces-at-all\" failed", 40,
        "rsync: [sender] link_stat \"/srv/a-ver...")]
    public void One_line_is_cut_at_a_word_near_the_limit(string text, int width, string expected)
    {
        // Act
        var line = Format.OneLine(text, width);

        // Assert
        line.Should().Be(expected);
        line.Length.Should().BeLessThanOrEqualTo(width);
    }
}
