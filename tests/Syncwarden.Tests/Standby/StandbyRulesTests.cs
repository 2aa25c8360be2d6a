using Syncwarden.Configuration;
using Syncwarden.Standby;

namespace Syncwarden.Tests.Standby;

public sealed class StandbyRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static StandbyState Primary(long epoch) => new(StandbyRole.Primary, epoch, "alpha", "beta", Now.AddDays(-1));

    private static StandbyState Standby(long epoch) => new(StandbyRole.Standby, epoch, "beta", "alpha", Now.AddDays(-1));

    private static readonly StandbySettings Settings = new()
    {
        Primary = "alpha", Standby = "beta", ThisHost = "beta", Peer = new HostConfig { Name = "alpha", Address = "10.0.0.1" },
        LocalPaths = ["/srv/a", "/srv/b"], PeerPaths = ["/srv/a", "/srv/b"], MaxLag = TimeSpan.FromHours(1),
    };

    [Fact]
    public void A_push_is_allowed_to_an_empty_destination_and_to_one_holding_the_same_or_a_lower_epoch_of_this_host()
    {
        StandbyRules.Fence(Primary(3), [null, null]).Should().BeNull();
        StandbyRules.Fence(Primary(3), [new StandbyMarker(3, "alpha", Now), new StandbyMarker(2, "beta", Now)]).Should().BeNull();
    }

    [Fact]
    public void A_push_is_refused_by_a_higher_epoch_or_by_the_same_epoch_of_another_primary()
    {
        var promoted = new StandbyMarker(4, "beta", Now);

        StandbyRules.Fence(Primary(3), [new StandbyMarker(3, "alpha", Now), promoted]).Should().Be(promoted);
        StandbyRules.Fence(Primary(4), [new StandbyMarker(4, "beta", Now)]).Should().NotBeNull("two promotes to one epoch: neither may overwrite the other");
    }

    [Fact]
    public void A_refused_primary_becomes_the_standby_in_the_higher_epoch_and_counts_the_refusal()
    {
        var demoted = StandbyRules.Demote(Primary(3), new StandbyMarker(5, "beta", Now), Now, "refused");

        demoted.Should().BeEquivalentTo(new { Role = StandbyRole.Standby, Epoch = 5L, RoleSince = Now, RefusedPushes = 1L, LastRefusal = "refused" });
    }

    [Fact]
    public void Promote_takes_one_more_than_every_epoch_it_knows()
    {
        StandbyRules.NextEpoch(Standby(2), [null]).Should().Be(3);
        StandbyRules.NextEpoch(Standby(2), [new StandbyMarker(7, "alpha", Now), new StandbyMarker(4, "alpha", Now)]).Should().Be(8);
    }

    [Fact]
    public void The_standby_is_as_old_as_its_oldest_folder_and_never_synced_counts_from_taking_the_role()
    {
        var markers = new StandbyMarker?[] { new(1, "alpha", Now.AddMinutes(-5)), new(1, "alpha", Now.AddMinutes(-20)) };

        StandbyRules.LastReceived(markers).Should().Be(Now.AddMinutes(-20));
        StandbyRules.Lag(Standby(1), markers, Now).Should().Be(TimeSpan.FromMinutes(20));
        StandbyRules.LastReceived([markers[0], null]).Should().BeNull();
        StandbyRules.Lag(Standby(1), [markers[0], null], Now).Should().Be(TimeSpan.FromDays(1));
    }

    [Fact]
    public void A_primary_counts_its_lag_from_its_last_good_push()
    {
        var state = Primary(2) with { LastGoodSync = Now.AddMinutes(-3) };

        StandbyRules.Lag(state, [null], Now).Should().Be(TimeSpan.FromMinutes(3));
    }

    [Fact]
    public void Only_a_handover_to_this_standby_in_a_newer_epoch_is_taken()
    {
        var handover = new StandbyMarker(3, "beta", Now, Handover: true);

        StandbyRules.HandoverFor(Standby(2), [handover]).Should().Be(handover);
        StandbyRules.HandoverFor(Standby(3), [handover]).Should().BeNull("already taken");
        StandbyRules.HandoverFor(Standby(2), [handover with { Primary = "alpha" }]).Should().BeNull();
        StandbyRules.HandoverFor(Standby(2) with { Role = StandbyRole.Primary }, [handover]).Should().BeNull();
    }

    [Fact]
    public void Status_of_a_lagging_standby_names_the_primary_from_its_markers()
    {
        var status = StandbyRules.Status(Settings, Standby(2), [new StandbyMarker(2, "alpha", Now.AddHours(-2)), new StandbyMarker(2, "alpha", Now.AddHours(-2))], Now);

        status.Should().BeEquivalentTo(new { Role = StandbyRole.Standby, Epoch = 2L, Primary = "alpha", Peer = "alpha", LagSeconds = 7200.0, Lagging = true, MaxLagSeconds = 3600.0 });
    }

    [Fact]
    public void Status_of_a_standby_whose_own_epoch_is_behind_its_markers_shows_the_epoch_of_the_primary_it_names()
    {
        // Arrange: the role store was started again (epoch 1) while alpha, primary in epoch 3, kept pushing here.
        var markers = new StandbyMarker?[] { new StandbyMarker(3, "alpha", Now.AddMinutes(-5)), new StandbyMarker(3, "alpha", Now.AddMinutes(-6)) };

        // Act
        var standby = StandbyRules.Status(Settings, Standby(1), markers, Now);
        var primary = StandbyRules.Status(Settings with { ThisHost = "alpha" }, Primary(4), [new StandbyMarker(3, "alpha", Now)], Now);

        // Assert
        standby.Should().BeEquivalentTo(new { Role = StandbyRole.Standby, Epoch = 3L, Primary = "alpha" });
        primary.Should().BeEquivalentTo(new { Role = StandbyRole.Primary, Epoch = 4L, Primary = "alpha" }, "a primary shows its own epoch");
    }

    [Fact]
    public void Markers_round_trip_and_a_damaged_one_reads_as_none()
    {
        var marker = new StandbyMarker(9, "beta", Now, Handover: true);

        StandbyMarker.Parse(marker.ToJson()).Should().Be(marker);
        StandbyMarker.Parse("{ not json").Should().BeNull();
        StandbyMarker.Parse("{}").Should().BeNull();
    }
}
