using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

public sealed class DurationFormatTests
{
    [Theory]
    [InlineData("6h", "6h")]
    [InlineData("1h30m", "1h30m")]
    [InlineData("90", "1m30s")]
    [InlineData("500ms", "500ms")]
    [InlineData("2d", "2d")]
    [InlineData("1w", "7d")]
    public void Format_writes_what_the_parser_reads(string text, string expected)
    {
        var span = DurationParser.Parse(text);

        DurationParser.Format(span).Should().Be(expected);
        DurationParser.Parse(DurationParser.Format(span)).Should().Be(span);
    }
}
