using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

public sealed class DurationParserTests
{
    public static TheoryData<string, TimeSpan> ValidDurations => new()
    {
        { "90", TimeSpan.FromSeconds(90) },
        { "0", TimeSpan.Zero },
        { "90s", TimeSpan.FromSeconds(90) },
        { "5m", TimeSpan.FromMinutes(5) },
        { "1h30m", TimeSpan.FromMinutes(90) },
        { "1h 30m", TimeSpan.FromMinutes(90) },
        { "2d", TimeSpan.FromDays(2) },
        { "1w", TimeSpan.FromDays(7) },
        { "500ms", TimeSpan.FromMilliseconds(500) },
        { "1w2d3h4m5s6ms", new TimeSpan(9, 3, 4, 5, 6) },
        { " 10s ", TimeSpan.FromSeconds(10) },
    };

    [Theory]
    [MemberData(nameof(ValidDurations))]
    public void Valid_duration_parses_to_the_expected_time_span(string text, TimeSpan expected)
    {
        // Arrange / Act
        var ok = DurationParser.TryParse(text, out var value, out var error);

        // Assert
        ok.Should().BeTrue(error);
        value.Should().Be(expected);
        error.Should().BeNull();
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("5 minutes", "unknown duration unit \"minutes\"")]
    [InlineData("1.5h", "\"1.5h\"")]
    [InlineData("-5s", "\"-5s\"")]
    [InlineData("10x", "unknown duration unit \"x\"")]
    [InlineData("30m1h", "largest first")]
    [InlineData("1h1h", "largest first")]
    [InlineData("5m30", "without a unit")]
    [InlineData("h", "\"h\"")]
    [InlineData("99999999999999999999w", "too large")]
    [InlineData("999999999w", "too large")]
    public void Malformed_duration_is_rejected_with_a_clear_message(string text, string messagePart)
    {
        // Arrange / Act
        var ok = DurationParser.TryParse(text, out _, out var error);

        // Assert
        ok.Should().BeFalse();
        error.Should().Contain(messagePart);
    }

    [Fact]
    public void Parse_throws_a_format_exception_carrying_the_message()
    {
        // Arrange / Act
        var act = () => DurationParser.Parse("soon");

        // Assert
        act.Should().Throw<FormatException>().WithMessage("*\"soon\"*");
    }
}
