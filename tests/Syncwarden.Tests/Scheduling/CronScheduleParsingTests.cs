using Syncwarden.Scheduling;

namespace Syncwarden.Tests.Scheduling;

public sealed class CronScheduleParsingTests
{
    [Theory]
    [InlineData("* * * * *")]
    [InlineData("*/5 * * * *")]
    [InlineData("1-30/7 * * * *")]
    [InlineData("5/15 * * * *")]
    [InlineData("0 0,12 1,15 * *")]
    [InlineData("0 9 * jan-mar,Dec MON-fri")]
    [InlineData("0 0 * * 7")]
    [InlineData("0 0 * * 5-7")]
    [InlineData("  0\t1  *  *  *  ")]
    [InlineData("@hourly")]
    [InlineData("@DAILY")]
    [InlineData("@midnight")]
    [InlineData("@weekly")]
    [InlineData("@monthly")]
    [InlineData("@yearly")]
    [InlineData("@annually")]
    [InlineData("0 0 30 2 *")]
    public void Valid_expressions_parse_and_describe_as_written(string text)
    {
        CronSchedule.TryParse(text, out var schedule, out var error).Should().BeTrue(error);
        error.Should().BeNull();
        schedule!.Describe().Should().Be(text.Trim());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4")]
    [InlineData("0 0 1 1 * 2030", "expected 5 fields (minute hour day-of-month month day-of-week), got 6")]
    [InlineData("60 * * * *", "minute field \"60\": value 60 is out of range; allowed values are 0-59")]
    [InlineData("0 24 * * *", "hour field \"24\": value 24 is out of range; allowed values are 0-23")]
    [InlineData("0 0 0 * *", "day-of-month field \"0\": value 0 is out of range; allowed values are 1-31")]
    [InlineData("0 0 32 * *", "day-of-month field \"32\": value 32 is out of range")]
    [InlineData("0 0 * 13 *", "month field \"13\": value 13 is out of range; allowed values are 1-12 or JAN-DEC")]
    [InlineData("0 0 * FOO *", "month field \"FOO\": \"FOO\" is not a valid value; allowed values are 1-12 or JAN-DEC")]
    [InlineData("0 0 * * 8", "day-of-week field \"8\": value 8 is out of range; allowed values are 0-7 (0 and 7 are Sunday) or SUN-SAT")]
    [InlineData("0 0 * * MON-FUN", "day-of-week field \"MON-FUN\": \"FUN\" is not a valid value")]
    [InlineData("*/0 * * * *", "minute field \"*/0\": step \"0\" in \"*/0\" must be a whole number of at least 1")]
    [InlineData("*/x * * * *", "minute field \"*/x\": step \"x\"")]
    [InlineData("30-5 * * * *", "minute field \"30-5\": range \"30-5\" runs backwards; write the smaller value first")]
    [InlineData("1,,2 * * * *", "minute field \"1,,2\": empty list item")]
    [InlineData("0 0 ? * MON", "day-of-month field \"?\": \"?\" is Quartz syntax")]
    [InlineData("0 0 * * MON#2", "Quartz syntax")]
    [InlineData("-5 * * * *", "minute field \"-5\"")]
    [InlineData("@reboot", "unknown cron macro \"@reboot\"; use one of @hourly")]
    public void Invalid_expressions_name_the_field_and_the_problem(string text, string expected)
    {
        CronSchedule.TryParse(text, out var schedule, out var error).Should().BeFalse();
        schedule.Should().BeNull();
        error.Should().Contain(expected);
    }

    [Fact]
    public void Parse_throws_a_format_exception_with_the_error()
    {
        var act = () => CronSchedule.Parse("0 0 * * 9");
        act.Should().Throw<FormatException>().WithMessage("day-of-week field*");
    }
}
