using Syncwarden.Configuration;
using Syncwarden.Standby;

namespace Syncwarden.Tests.Configuration;

public sealed class ConfigLoaderStandbyTests
{
    private static string Pair(string thisHost = "this-host: alpha", string extra = "", string primary = "alpha", string syncs = "[{ source: /srv/data, destination: /srv/replica }, { source: /srv/mail/, destination: /srv/mail }]") => $$"""
        {{thisHost}}
        hosts:
          alpha: { address: 10.0.0.1 }
          beta: { address: 10.0.0.2 }
        standby:
          primary: {{primary}}
          standby: beta
          every: { minutes: 15 }
          max-lag: 2h
          promote-hooks: [[/usr/local/bin/take-ip, 10.0.0.10], [/usr/bin/systemctl, start, app]]
          stop-hooks: [[/usr/bin/systemctl, stop, app]]
          databases: [{ type: postgresql, name: app }]
          dump-dir: /srv/data/.db
        {{extra}}
          syncs: {{syncs}}
        """;

    [Fact]
    public void On_the_configured_primary_the_pair_is_a_push_of_the_sources_to_the_standby()
    {
        // Act
        var result = ConfigLoader.Parse(Pair(), "test.yaml");

        // Assert
        result.Errors.Should().BeEmpty();
        var settings = result.Config!.Standby!;
        settings.Should().BeEquivalentTo(new { Primary = "alpha", Standby = "beta", ThisHost = "alpha", PeerName = "beta", IsConfiguredPrimary = true });
        settings.LocalPaths.Should().Equal("/srv/data", "/srv/mail");
        settings.PeerPaths.Should().Equal("/srv/replica", "/srv/mail");
        settings.MaxLag.Should().Be(TimeSpan.FromHours(2));
        settings.PromoteHooks.Select(h => h.Command[0]).Should().Equal("/usr/local/bin/take-ip", "/usr/bin/systemctl");
        settings.StopHooks.Should().ContainSingle();
        var job = result.Config.FindJob(StandbySettings.JobName)!;
        job.Direction.Should().Be(Direction.Push);
        job.Host.Should().Be("beta");
        job.Syncs.Select(s => (s.Source, s.Destination)).Should().Equal(("/srv/data/", "/srv/replica/"), ("/srv/mail/", "/srv/mail/"));
        job.Exclude.Should().StartWith(StandbyMarker.ExcludeRule);
        job.Options.Should().Contain("--delete");
        job.Schedule.Should().NotBeNull();
        job.DumpDir.Should().Be("/srv/data/.db");
    }

    [Fact]
    public void On_the_configured_standby_the_pair_pushes_the_destinations_back_and_dumps_into_the_matching_folder()
    {
        // Act
        var result = ConfigLoader.Parse(Pair(thisHost: "this-host: beta"), "test.yaml");

        // Assert
        result.Errors.Should().BeEmpty();
        var settings = result.Config!.Standby!;
        settings.IsConfiguredPrimary.Should().BeFalse();
        settings.LocalPaths.Should().Equal("/srv/replica", "/srv/mail");
        settings.PeerPaths.Should().Equal("/srv/data", "/srv/mail");
        var job = result.Config.FindJob(StandbySettings.JobName)!;
        job.Host.Should().Be("alpha");
        job.Syncs.Select(s => (s.Source, s.Destination)).Should().Equal(("/srv/replica/", "/srv/data/"), ("/srv/mail/", "/srv/mail/"));
        job.DumpDir.Should().Be("/srv/replica/.db");
    }

    [Fact]
    public void A_this_host_that_is_neither_of_the_pair_is_an_error_at_this_host()
    {
        var error = ConfigErrors.Single(Pair(thisHost: "this-host: gamma"));

        error.ShouldBeAt(1, 12, "this-host");
        error.Message.Should().Contain("'gamma'").And.Contain("neither the primary 'alpha' nor the standby 'beta'");
        error.Hint.Should().Contain(ConfigLoader.ThisHostEnvironmentVariable);
    }

    [Fact]
    public void An_unknown_host_in_the_pair_is_an_error_with_a_suggestion()
    {
        var error = ConfigErrors.Single(Pair(primary: "alpah"));

        error.Key.Should().Be("standby.primary");
        error.Hint.Should().Contain("did you mean 'alpha'?");
    }

    [Fact]
    public void Relative_or_root_standby_folders_and_delete_excluded_are_errors()
    {
        var errors = ConfigErrors.Of(Pair(syncs: "[{ source: data, destination: /, options: [--delete-excluded] }]"));

        errors.Select(e => e.Key).Should().BeEquivalentTo("standby.syncs[0].source", "standby.syncs[0].destination", "standby.syncs[0].options");
    }

    [Fact]
    public void A_job_named_standby_clashes_with_the_pair()
    {
        var error = ConfigErrors.Single(Pair() + "\njobs:\n  standby: { syncs: [{ source: /a, destination: /b }] }\n");

        error.Key.Should().Be("standby");
        error.Message.Should().Contain("already has a job of that name");
    }

    [Fact]
    public void Unknown_keys_of_the_section_get_a_suggestion()
    {
        var error = ConfigErrors.Single(Pair(extra: "  max-lagg: 1h"));

        error.Key.Should().Be("standby.max-lagg");
        error.Hint.Should().Contain("max-lag");
    }
}
