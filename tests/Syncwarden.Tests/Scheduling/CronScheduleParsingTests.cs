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
    // Accepted here though Cronos itself rejects them (a step past the field's end, three digits).
    [InlineData("0 */24 * * *")]
    [InlineData("005 0 * * 3/20")]
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
    // Cronos extensions, not standard cron: still errors.
    [InlineData("0 0 L * *", "day-of-month field \"L\": \"L\" is Quartz syntax")]
    [InlineData("0 0 15W * *", "day-of-month field \"15W\": \"15W\" is not a valid value; allowed values are 1-31")]
    [InlineData("0 0 * * 5L", "day-of-week field \"5L\": \"5L\" is not a valid value")]
    [InlineData("0 0 * * ?", "day-of-week field \"?\": \"?\" is Quartz syntax")]
    [InlineData("H * * * *", "minute field \"H\": \"H\" is not a valid value; allowed values are 0-59")]
    [InlineData("0 22-2 * * *", "hour field \"22-2\": range \"22-2\" runs backwards")]
    [InlineData("@every_minute", "unknown cron macro \"@every_minute\"")]
    public void Invalid_expressions_name_the_field_and_the_problem(string text, string expected)
    {
        CronSchedule.TryParse(text, out var schedule, out var error).Should().BeFalse();
        schedule.Should().BeNull();
        error.Should().Contain(expected);
    }

    [Fact]
    public void Every_bad_field_is_named_not_only_the_first()
    {
        CronSchedule.TryParse("60 24 * 13 MON-FUN", out var schedule, out var error).Should().BeFalse();

        schedule.Should().BeNull();
        error.Should().Be(
            "minute field \"60\": value 60 is out of range; allowed values are 0-59; " +
            "and hour field \"24\": value 24 is out of range; allowed values are 0-23; " +
            "and month field \"13\": value 13 is out of range; allowed values are 1-12 or JAN-DEC; " +
            "and day-of-week field \"MON-FUN\": \"FUN\" is not a valid value; allowed values are 0-7 (0 and 7 are Sunday) or SUN-SAT");
    }

    [Fact]
    public void Parse_throws_a_format_exception_with_the_error()
    {
        var act = () => CronSchedule.Parse("0 0 * * 9");
        act.Should().Throw<FormatException>().WithMessage("day-of-week field*");
    }
}
