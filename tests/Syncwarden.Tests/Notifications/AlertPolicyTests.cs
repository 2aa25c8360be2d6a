using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Notifications;

namespace Syncwarden.Tests.Notifications;

public sealed class AlertPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 1, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    private static RunRecord Run(RunResult result) => new() { Job = "nightly", StartedAt = T0, Result = result };

    [Fact]
    public void Failures_are_announced_first_then_once_per_repeat_after_then_recovery_once()
    {
        // Arrange
        AlertState? state = null;
        var announced = new List<NotifyOn>();
        (RunResult Result, TimeSpan At)[] runs =
        [
            (RunResult.Failed, TimeSpan.Zero), (RunResult.Failed, TimeSpan.FromHours(1)), (RunResult.Failed, TimeSpan.FromHours(23)),
            (RunResult.Failed, TimeSpan.FromHours(24)), (RunResult.Cancelled, TimeSpan.FromHours(25)), (RunResult.Failed, TimeSpan.FromHours(26)),
            (RunResult.Warning, TimeSpan.FromHours(27)), (RunResult.Succeeded, TimeSpan.FromHours(28)),
        ];

        // Act
        foreach (var (result, at) in runs)
        {
            (var events, state) = AlertPolicy.Decide(Run(result), state, T0 + at, Day);
            announced.Add(events);
        }

        // Assert
        announced.Should().Equal(
            NotifyOn.Failure, NotifyOn.None, NotifyOn.None, NotifyOn.Failure, NotifyOn.None, NotifyOn.None,
            NotifyOn.Warning | NotifyOn.Recovered, NotifyOn.Success);
        state.Should().BeNull();
    }

    [Fact]
    public void The_failing_state_counts_runs_and_keeps_its_start()
    {
        var (_, first) = AlertPolicy.Decide(Run(RunResult.Failed), null, T0, Day);
        var (_, second) = AlertPolicy.Decide(Run(RunResult.Failed), first, T0 + TimeSpan.FromHours(2), Day);

        second.Should().Be(new AlertState("nightly", T0, 2, T0));
    }

    [Fact]
    public void A_recovery_notice_is_named_recovered_and_a_repeat_is_a_reminder()
    {
        var recovered = new Notice(NotifyOn.Success | NotifyOn.Recovered, Run(RunResult.Succeeded), [], new AlertState("nightly", T0, 3, T0));
        var reminder = new Notice(NotifyOn.Failure, Run(RunResult.Failed), [], new AlertState("nightly", T0, 3, T0));

        (recovered.Primary, recovered.EventName).Should().Be((NotifyOn.Recovered, "recovered"));
        reminder.IsReminder.Should().BeTrue();
    }
}
