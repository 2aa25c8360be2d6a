using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Standby;

/// <summary>
/// The warm standby pair end to end on two "machines": two network namespaces joined only by one veth pair, each with
/// its own sshd and its own syncwarden daemon, the primary replicating files and a PostgreSQL dump on a short schedule.
/// </summary>
public sealed class StandbyFailoverTests
{
    private static string Q(string s) => TestConfig.Q(s);

    private static void WriteConfig(StandbyMachine machine, StandbyMachine alpha, StandbyMachine beta, SshServer alphaSsh, SshServer betaSsh, TempDir dir, string passwordFile)
    {
        var pg = machine.Postgres!;
        string Host(StandbyMachine m, SshServer ssh) =>
            $"  {m.Name}: {{ address: {m.End.Address}, port: {ssh.Port}, user: root, identity: {Q(ssh.ClientKeyPath)}, known-hosts: {Q(ssh.KnownHostsPath)}, connect-timeout: 3s }}\n";
        var extra = $$"""
              databases: [{ type: postgresql, name: app, socket: {{Q(pg.SocketDir)}}, port: {{pg.Port}}, user: postgres, password-file: {{Q(passwordFile)}} }]
              dump-dir: {{Q(Path.Combine(alpha.Data, ".db"))}}
              promote-hooks:
                - [/usr/lib/postgresql/15/bin/pg_restore, --no-password, {{Q("--host=" + pg.SocketDir)}}, --port={{pg.Port}}, --username=postgres, --clean, --if-exists, --create, --exit-on-error, --dbname=postgres, {{Q(Path.Combine(machine.Data, ".db", "postgresql-app.dump"))}}]
                - [/bin/sh, -c, {{Q("echo \"$SYNCWARDEN_STANDBY_ACTION $SYNCWARDEN_STANDBY_EPOCH\" >> " + dir.Combine("promoted-") + "$SYNCWARDEN_THIS_HOST")}}]
              stop-hooks:
                - [/bin/sh, -c, {{Q("echo stopped >> " + dir.Combine("stopped-") + "$SYNCWARDEN_THIS_HOST")}}]

            """;
        StandbyPair.WriteConfig(machine, alpha, beta, Host(alpha, alphaSsh) + Host(beta, betaSsh), extra);
    }

    private static Task<IReadOnlyList<string>> DataDifferencesAsync(StandbyMachine a, StandbyMachine b) => StandbyPair.DataDifferencesAsync(a, b);

    private static string Tail(string log) => StandbyPair.Tail(log);

    private static Task UntilAsync(Func<Task<bool>> condition, string what, StandbyMachine? logOf = null) => StandbyPair.UntilAsync(condition, what, logOf);

    [Fact]
    public async Task Failover_fencing_rejoin_and_switchover_between_two_machines_lose_no_file()
    {
        // Arrange: two machines, each with sshd, PostgreSQL and a daemon; alpha's data and database.
        using var dir = new TempDir("standby");
        await using var net = await NetworkNamespacePair.CreateAsync();
        await using var alphaSsh = await SshServer.StartInPairAsync(net.A, clientSide: net.B);
        await using var betaSsh = await SshServer.StartInPairAsync(net.B, clientSide: net.A);
        await using var pg1 = await PostgresServer.StartAsync();
        await using var pg2 = await PostgresServer.StartAsync(pg1.Password);
        await pg1.SqlAsync("CREATE DATABASE app");
        await pg1.SqlAsync("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 200) g", "app");
        var passwordFile = dir.Combine("pg.password");
        File.WriteAllText(passwordFile, pg1.Password + "\n");
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var pgpass = dir.Combine("pgpass");
        File.WriteAllText(pgpass, "*:*:*:*:" + pg1.Password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal) + "\n");
        File.SetUnixFileMode(pgpass, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        await using var alpha = new StandbyMachine("alpha", net.A, dir, pg1);
        await using var beta = new StandbyMachine("beta", net.B, dir, pg2);
        WriteConfig(alpha, alpha, beta, alphaSsh, betaSsh, dir, passwordFile);
        WriteConfig(beta, alpha, beta, alphaSsh, betaSsh, dir, passwordFile);
        new TreeBuilder(alpha.Data).Sample().File("docs/report.txt", "quarterly numbers\n").File("big.bin", 300_000);

        // Act 1: both daemons run; alpha replicates files and the dump to beta.
        await alpha.StartDaemonAsync(pgpass);
        await beta.StartDaemonAsync(pgpass);
        await UntilAsync(async () => File.Exists(Path.Combine(beta.Data, ".syncwarden-standby.json"))
            && File.Exists(Path.Combine(beta.Data, ".db", "postgresql-app.dump")) && (await DataDifferencesAsync(alpha, beta)).Count == 0,
            "beta holds alpha's data, the dump and a marker");
        var betaBefore = await beta.StandbyStatusAsync(pgpass);

        // Act 2: promote is refused while the primary answers.
        var refused = await beta.CliAsync(pgpass, "promote");

        // Act 3: alpha's link is cut; once alpha's push that was under way has given up (io-timeout; the admin's
        // reaction time in real life), beta is promoted.
        await net.CutAsync();
        await UntilAsync(async () => await alpha.JobStatusAsync(pgpass) is { } job
            && !job.GetProperty("running").GetBoolean() && job.GetProperty("lastResult").GetString() == "failed", "alpha's pushes fail while it is cut off", alpha);
        var promoted = await beta.CliAsync(pgpass, "promote");

        // Assert 1-3
        betaBefore.GetProperty("role").GetString().Should().Be("standby");
        betaBefore.GetProperty("primary").GetString().Should().Be("alpha");
        betaBefore.GetProperty("lagSeconds").ValueKind.Should().Be(JsonValueKind.Number);
        refused.ExitCode.Should().Be(3, refused.ToString());
        refused.StandardError.Should().Contain("the primary alpha still answers");
        promoted.ExitCode.Should().Be(0, promoted.ToString());
        promoted.StandardOutput.Should().Contain("epoch 1 -> 2").And.Contain("is now the primary in epoch 2").And.Contain("serving data");
        (await pg2.SqlAsync("SELECT count(*) FROM items", "app")).Trim().Should().Be("200", "the first promote hook restored the replicated dump");
        File.ReadAllText(dir.Combine("promoted-beta")).Should().Be("promote 2\n");
        (await beta.StandbyStatusAsync(pgpass)).GetProperty("role").GetString().Should().Be("primary");

        // Act 4: users work on beta; alpha comes back and its daemon pushes, still believing it is the primary.
        File.WriteAllText(Path.Combine(beta.Data, "docs", "after-failover.txt"), "written on the new primary\n");
        File.WriteAllText(Path.Combine(alpha.Data, "docs", "stale-on-alpha.txt"), "written on the old primary while cut off\n");
        var betaTree = await StandbyPair.SnapshotAsync(beta.Data);
        await net.RestoreAsync();
        await UntilAsync(async () => (await alpha.StandbyStatusAsync(pgpass)).GetProperty("role").GetString() == "standby", "alpha is fenced and becomes the standby", alpha);

        // Assert 4: the push was refused by the epoch, loudly, and nothing of alpha's reached beta.
        var alphaFenced = await alpha.StandbyStatusAsync(pgpass);
        alphaFenced.GetProperty("epoch").GetInt64().Should().Be(2);
        alphaFenced.GetProperty("refusedPushes").GetInt64().Should().Be(1);
        alphaFenced.GetProperty("lastRefusal").GetString().Should().Contain("beta holds epoch 2");
        var alphaHistory = (await alpha.CliAsync(pgpass, "history", "standby", "--json")).EnsureSuccess("history");
        alphaHistory.StandardOutput.Should().Contain("push refused");
        File.Exists(Path.Combine(beta.Data, "docs", "stale-on-alpha.txt")).Should().BeFalse("the fenced push wrote nothing on the new primary");
        var betaAfter = await StandbyPair.SnapshotAsync(beta.Data);
        betaAfter.Keys.Where(k => !k.Contains(".syncwarden-standby", StringComparison.Ordinal) && !k.StartsWith(".db", StringComparison.Ordinal))
            .Should().BeEquivalentTo(betaTree.Keys.Where(k => !k.Contains(".syncwarden-standby", StringComparison.Ordinal) && !k.StartsWith(".db", StringComparison.Ordinal)));
        File.ReadAllText(Path.Combine(beta.Data, "docs", "report.txt")).Should().Be("quarterly numbers\n");

        // Act 5: rejoin on alpha copies beta's data back; then a planned switchover on beta returns the roles.
        var rejoined = await alpha.CliAsync(pgpass, "rejoin");
        var rejoinDifferences = await DataDifferencesAsync(alpha, beta);
        File.WriteAllText(Path.Combine(beta.Data, "docs", "last-minute.txt"), "written just before the switchover\n");
        var switched = await beta.CliAsync(pgpass, "switchover");

        // Assert 5
        rejoined.ExitCode.Should().Be(0, rejoined.ToString());
        rejoined.StandardOutput.Should().Contain("alpha is now the standby in epoch 2");
        rejoinDifferences.Should().BeEmpty();
        if (switched.ExitCode != 0)
        {
            File.WriteAllText("/tmp/standby-alpha-daemon.log", alpha.Daemon!.StandardErrorSoFar);
            throw new Xunit.Sdk.XunitException($"switchover exited {switched.ExitCode}: {switched}\nalpha's daemon:\n{Tail(alpha.Daemon!.StandardErrorSoFar)}");
        }
        switched.StandardOutput.Should().Contain("alpha confirmed").And.Contain("downtime:");
        File.ReadAllText(dir.Combine("stopped-beta")).Should().Be("stopped\n");
        File.ReadAllText(dir.Combine("promoted-alpha")).Should().Be("switchover 3\n");
        (await DataDifferencesAsync(alpha, beta)).Should().BeEmpty("no file was lost in the switchover");
        File.ReadAllText(Path.Combine(alpha.Data, "docs", "last-minute.txt")).Should().Be("written just before the switchover\n");
        File.ReadAllText(Path.Combine(alpha.Data, "docs", "after-failover.txt")).Should().Be("written on the new primary\n");
        File.Exists(Path.Combine(alpha.Data, "docs", "stale-on-alpha.txt")).Should().BeFalse("the stale write was replaced by the new primary's data");
        var alphaNow = await alpha.StandbyStatusAsync(pgpass);
        var betaNow = await beta.StandbyStatusAsync(pgpass);
        (alphaNow.GetProperty("role").GetString(), alphaNow.GetProperty("epoch").GetInt64()).Should().Be(("primary", 3L));
        (betaNow.GetProperty("role").GetString(), betaNow.GetProperty("epoch").GetInt64()).Should().Be(("standby", 3L));
        (await pg1.SqlAsync("SELECT count(*) FROM items", "app")).Trim().Should().Be("200", "alpha's promote hook restored the dump beta made");
    }
}
